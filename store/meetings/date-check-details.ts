import type { ConvocationDateOutcome } from '../../domain/convocation-date.js';

/**
 * What the date checks said of a meeting's new date, as its audit line keeps it: an override's
 * reason and the rules it set aside (the line's actor is who decided), and the warnings (school
 * holidays). Nothing when there was nothing to say.
 */
export function dateCheckDetails(outcome: ConvocationDateOutcome | undefined): Record<string, string> {
  return {
    ...(outcome?.overridden
      ? { overrideReason: outcome.overridden.reason, overridden: outcome.overridden.breaches.join(' ') }
      : {}),
    ...(outcome?.warnings.length ? { warnings: outcome.warnings.join(' ') } : {}),
  };
}

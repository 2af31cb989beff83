import type { OverrideRecord } from '../../domain/convocation-date.js';

/**
 * An override as its audit line keeps it: the reason and the rules set aside (the line's actor is
 * who decided). Nothing when there was none.
 */
export function overrideDetails(override: OverrideRecord | undefined): Record<string, string> {
  return override ? { overrideReason: override.reason, overridden: override.breaches.join(' ') } : {};
}

import type { Charter } from '../charter.js';
import { DomainError } from '../errors.js';
import type { Action, Actor, LifecyclePosition } from './model.js';
import { missingPartnerOpinions, pendingStep } from './pending-step.js';
import { assertRole } from './roles.js';
import { allowedActions } from './rules.js';
import { describeState } from './phrasing.js';
import { isTerminal, PARTNERS, type ActionKind, type Partner } from './vocabulary.js';

/** The steps that move a version under review on; withdrawing or evaluating leaves it waiting. */
const ADVANCING: readonly ActionKind[] = [
  'submit',
  'recordAvis',
  'recordPartnerOpinion',
  'recordCopilDecision',
  'recordBureauValidation',
];

/** A step a given person may take now: its kind, and for a partner's opinion, whose. */
export interface OpenStep {
  kind: ActionKind;
  partner?: Partner;
}

/**
 * The steps `actor` may take now on a fiche, by the same rules the workflow checks (stage, charter,
 * role), and a French sentence when the fiche does not move on by them: what its review waits for,
 * or that it admits no step any more.
 */
export function stepsOpenTo(
  state: LifecyclePosition,
  actor: Actor,
  charter: Charter,
): { steps: OpenStep[]; notice: string | null } {
  const steps = allowedActions(state, charter).flatMap((kind): OpenStep[] => {
    const candidates: OpenStep[] =
      kind === 'recordPartnerOpinion'
        ? (state.review ? missingPartnerOpinions(state.review) : PARTNERS).map((partner) => ({ kind, partner }))
        : [{ kind }];
    return candidates.filter((step) => mayTake(actor, step, charter));
  });
  if (isTerminal(state.stage)) return { steps, notice: `${describeState(state)} : elle n’admet plus aucune étape.` };
  const pending = pendingStep(state);
  const notice =
    pending && !steps.some((step) => ADVANCING.includes(step.kind)) ? `En attente : ${pending.what}.` : null;
  return { steps, notice };
}

function mayTake(actor: Actor, step: OpenStep, charter: Charter): boolean {
  try {
    assertRole({ kind: step.kind, actor, partner: step.partner } as Action, charter);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}

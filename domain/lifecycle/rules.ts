import { REFERENCE_CHARTER, type Charter } from '../charter.js';
import { DomainError } from '../errors.js';
import { parseAction } from './action-schemas.js';
import { PARTNER_LABELS } from './labels.js';
import type { Action, LifecyclePosition, LifecycleState } from './model.js';
import { missingPartnerOpinions } from './pending-step.js';
import { wrongStageMessage } from './phrasing.js';
import { DECIDING_INSTANCE, assertRole, isDecision } from './roles.js';
import { ACTION_KINDS, type ActionKind } from './vocabulary.js';

/** Which steps the lifecycle admits now, and the refusal of one it does not, before anything is recorded. */

/** Whether the fiche's stage admits this kind of action, whoever asks and whatever the input. */
function stageAdmits(state: LifecyclePosition, kind: ActionKind): boolean {
  const review = state.review;
  switch (kind) {
    case 'submit':
      return review?.stage === 'brouillon';
    case 'recordAvis':
      return review?.stage === 'soumise';
    case 'recordPartnerOpinion':
    case 'recordCopilDecision':
      return review?.stage === 'attente_copil';
    case 'recordBureauValidation':
      return review?.stage === 'attente_bureau';
    case 'withdraw':
      return review !== null;
    case 'recordEvaluation':
      return state.stage === 'en_oeuvre';
    case 'requestAmendment':
    case 'close':
      return state.stage === 'en_oeuvre' && review === null;
  }
}

/**
 * The kinds of action someone may take now under `charter`: the stage admits it, someone may hold
 * the role, and its preconditions hold (the COPIL decides once both partner opinions are in). For
 * buttons and menus; `check` still refuses a particular actor or input, e.g. an évaluation for a
 * year already evaluated or still to come.
 */
export function allowedActions(state: LifecyclePosition, charter: Charter = REFERENCE_CHARTER): ActionKind[] {
  return ACTION_KINDS.filter((kind) => {
    if (!stageAdmits(state, kind)) return false;
    if (isDecision(kind) && charter.decisionRecorders[DECIDING_INSTANCE[kind]] === undefined) return false;
    if (kind === 'recordCopilDecision' && missingPartnerOpinions(state.review!).length > 0) return false;
    return true;
  });
}

/**
 * Refuses an action the state, the actor's role or the input does not allow, with a French
 * message saying what to do: INVALID_INPUT (the action is malformed, or an évaluation's year is
 * taken or to come), WRONG_STAGE, ROLE_NOT_ALLOWED, PARTNER_OPINIONS_MISSING. Returns normally when
 * {@link apply} may proceed. `now` is an ISO instant (the workflow's clock).
 */
export function check(state: LifecycleState, action: Action, charter: Charter, now: string): void {
  const parsed = parseAction(action);
  if (!stageAdmits(state, parsed.kind)) throw new DomainError('WRONG_STAGE', wrongStageMessage(state, parsed.kind));
  assertRole(parsed, charter);
  const review = state.review;
  if (parsed.kind === 'recordCopilDecision' && review) {
    const missing = missingPartnerOpinions(review);
    if (missing.length > 0) {
      const which =
        missing.length === 2
          ? 'ils manquent tous deux : faites-les'
          : `celui de la ${PARTNER_LABELS[missing[0]!]} manque : faites-le`;
      throw new DomainError(
        'PARTNER_OPINIONS_MISSING',
        `Le COPIL statue sur la version ${review.version} au vu des avis de la CAF et de la MSA, et ${which} ` +
          'enregistrer d’abord ; la fiche reste en attente du COPIL.',
        'partnerOpinions',
      );
    }
  }
  if (parsed.kind === 'recordEvaluation') {
    const thisYear = Number(now.slice(0, 4));
    if (parsed.year > thisYear) {
      throw new DomainError(
        'INVALID_INPUT',
        `L’année ${parsed.year} n’a pas commencé : une évaluation ` +
          `porte sur une année en cours ou passée (${thisYear} au plus).`,
        'year',
      );
    }
    if (state.evaluations.some((evaluation) => evaluation.year === parsed.year)) {
      throw new DomainError(
        'INVALID_INPUT',
        `L’évaluation de ${parsed.year} est déjà enregistrée : une seule par année ; indiquez une autre année.`,
        'year',
      );
    }
  }
}

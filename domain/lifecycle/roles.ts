import {
  INSTANCE_KIND_LABELS,
  MEMBER_ROLE_LABELS,
  mayRecordDecision,
  type Charter,
  type InstanceKind,
} from '../charter.js';
import { DomainError } from '../errors.js';
import { PARTNER_LABELS } from './labels.js';
import type { Action } from './model.js';
import type { ActionKind } from './vocabulary.js';

/** Who may take each step: a coopérateur, the body's recorders under the charter, a partner's representative. */

export const COOPERATOR_ACTIONS: readonly ActionKind[] = [
  'submit',
  'requestAmendment',
  'withdraw',
  'recordEvaluation',
  'close',
];

export const DECIDING_INSTANCE = {
  recordAvis: 'cotech',
  recordCopilDecision: 'copil',
  recordBureauValidation: 'bureau_communautaire',
} as const satisfies Partial<Record<ActionKind, InstanceKind>>;
export type DecisionKind = keyof typeof DECIDING_INSTANCE;

export function isDecision(kind: ActionKind): kind is DecisionKind {
  return Object.hasOwn(DECIDING_INSTANCE, kind);
}

const COOPERATOR_VERBS: Record<string, string> = {
  submit: 'soumettre une fiche',
  requestAmendment: 'demander un avenant',
  withdraw: 'retirer une fiche',
  recordEvaluation: 'enregistrer une évaluation',
  close: 'clôturer une fiche',
};

const DECISION_NAMES: Record<DecisionKind, string> = {
  recordAvis: 'l’avis du COTECH',
  recordCopilDecision: 'la décision du COPIL',
  recordBureauValidation: 'la validation du Bureau communautaire',
};

const OF_INSTANCE: Record<DecisionKind, string> = {
  recordAvis: 'du COTECH',
  recordCopilDecision: 'du COPIL',
  recordBureauValidation: 'du Bureau communautaire',
};

export function assertRole(action: Action, charter: Charter): void {
  const { actor, kind } = action;
  const admin = actor.appRole === 'admin';
  if (COOPERATOR_ACTIONS.includes(kind)) {
    if (admin || actor.appRole === 'cooperateur') return;
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seul un coopérateur (ou un administrateur) peut ${COOPERATOR_VERBS[kind]} : demandez-le à l’un d’eux.`,
      'actor.appRole',
    );
  }
  if (isDecision(kind)) {
    const instanceKind = DECIDING_INSTANCE[kind];
    if (mayRecordDecision(charter, instanceKind, actor.instanceRoles[instanceKind] ?? [], admin)) return;
    const recorders = charter.decisionRecorders[instanceKind];
    const field = `actor.instanceRoles.${instanceKind}`;
    if (recorders === undefined) {
      throw new DomainError(
        'ROLE_NOT_ALLOWED',
        `La charte de la convention ne fait enregistrer aucune décision au ${INSTANCE_KIND_LABELS[instanceKind]} : ` +
          `pour y enregistrer ${DECISION_NAMES[kind]}, un administrateur ` +
          `doit d’abord compléter la charte (« decisionRecorders »).`,
        field,
      );
    }
    const who =
      recorders.length > 0
        ? `un ${recorders.map((role) => MEMBER_ROLE_LABELS[role]).join(' ou un ')} ${OF_INSTANCE[kind]}`
        : 'un administrateur';
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seul ${who}${recorders.length > 0 ? ' (ou un administrateur)' : ''} ` +
        `peut enregistrer ${DECISION_NAMES[kind]} : demandez-le à l’un d’eux.`,
      field,
    );
  }
  if (action.kind === 'recordPartnerOpinion') {
    if (admin || actor.structureKind === action.partner) return;
    const label = PARTNER_LABELS[action.partner];
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seul un représentant de la ${label} (ou un administrateur) peut ` +
        `enregistrer l’avis de la ${label} : demandez-le à la ${label}.`,
      'actor.structureKind',
    );
  }
}

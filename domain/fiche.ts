import { DomainError } from './errors.js';

/**
 * The fiche action rules the workflow, the API and the CLI share. This is the walking skeleton's
 * slice of the lifecycle (submission to the COTECH's avis); the later stages extend these tables.
 */

export const FICHE_STAGES = ['brouillon', 'soumise', 'avis_favorable', 'avis_defavorable'] as const;
export type FicheStage = (typeof FICHE_STAGES)[number];

export const COTECH_AVIS = ['favorable', 'a_retravailler', 'defavorable'] as const;
export type CotechAvis = (typeof COTECH_AVIS)[number];

export const ROLES = ['cooperateur', 'secretaire_instance', 'membre', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  email: string;
  role: Role;
}

export interface NewFiche {
  title: string;
  authorEmail: string;
}

export interface DecisionInput {
  outcome: CotechAvis;
  comment?: string;
  actor: Actor;
}

/** Who may record the COTECH's avis: its secretary, or an admin correcting the record. */
const MAY_RECORD_AVIS: readonly Role[] = ['secretaire_instance', 'admin'];

const NEXT_STAGE: Record<CotechAvis, FicheStage> = {
  favorable: 'avis_favorable',
  a_retravailler: 'brouillon',
  defavorable: 'avis_defavorable',
};

export const STAGE_LABELS: Record<FicheStage, string> = {
  brouillon: 'brouillon (à retravailler par le GTT)',
  soumise: 'soumise, en attente de l’avis du COTECH',
  avis_favorable: 'avis favorable du COTECH',
  avis_defavorable: 'avis défavorable du COTECH',
};

export const AVIS_LABELS: Record<CotechAvis, string> = {
  favorable: 'favorable',
  a_retravailler: 'à retravailler',
  defavorable: 'défavorable',
};

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const MAX_TITLE = 200;
const MAX_COMMENT = 5000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireEmail(value: unknown, field: string): string {
  if (typeof value !== 'string' || !EMAIL.test(value.trim())) {
    throw new DomainError('INVALID_INPUT', `« ${field} » doit être une adresse e-mail valide, par exemple prenom.nom@example.org.`, field);
  }
  return value.trim().toLowerCase();
}

/** Checks a new fiche's fields; returns them normalised. */
export function parseNewFiche(input: unknown): NewFiche {
  if (!isRecord(input)) throw new DomainError('INVALID_INPUT', 'Le corps de la requête doit être un objet JSON.');
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (!title) throw new DomainError('INVALID_INPUT', 'Le titre de la fiche est obligatoire.', 'title');
  if (title.length > MAX_TITLE) {
    throw new DomainError('INVALID_INPUT', `Le titre dépasse ${MAX_TITLE} caractères : raccourcissez-le.`, 'title');
  }
  return { title, authorEmail: requireEmail(input.authorEmail, 'authorEmail') };
}

/** Checks a decision's fields; returns them normalised. */
export function parseDecision(input: unknown): DecisionInput {
  if (!isRecord(input)) throw new DomainError('INVALID_INPUT', 'La décision doit être un objet JSON.');
  const { outcome, comment, actor } = input;
  if (typeof outcome !== 'string' || !(COTECH_AVIS as readonly string[]).includes(outcome)) {
    throw new DomainError('INVALID_INPUT', `L’avis doit être l’un de : ${COTECH_AVIS.join(', ')}.`, 'outcome');
  }
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT)) {
    throw new DomainError('INVALID_INPUT', `Le commentaire doit être un texte de ${MAX_COMMENT} caractères au plus.`, 'comment');
  }
  if (!isRecord(actor)) throw new DomainError('INVALID_INPUT', 'Indiquez qui enregistre la décision (actor).', 'actor');
  if (typeof actor.role !== 'string' || !(ROLES as readonly string[]).includes(actor.role)) {
    throw new DomainError('INVALID_INPUT', `Le rôle doit être l’un de : ${ROLES.join(', ')}.`, 'actor.role');
  }
  const trimmed = typeof comment === 'string' ? comment.trim() : '';
  if (outcome === 'a_retravailler' && !trimmed) {
    throw new DomainError('INVALID_INPUT', 'Un avis « à retravailler » doit dire au GTT quoi reprendre : ajoutez un commentaire.', 'comment');
  }
  return {
    outcome: outcome as CotechAvis,
    ...(trimmed ? { comment: trimmed } : {}),
    actor: { email: requireEmail(actor.email, 'actor.email'), role: actor.role as Role },
  };
}

/** Refuses a decision that the stage or the actor's role does not allow. */
export function assertMayRecordAvis(stage: FicheStage, actor: Actor): void {
  if (stage !== 'soumise') {
    throw new DomainError(
      'WRONG_STAGE',
      `La fiche est au stade « ${STAGE_LABELS[stage]} » : l’avis du COTECH ne s’enregistre que sur une fiche soumise.`,
    );
  }
  if (!MAY_RECORD_AVIS.includes(actor.role)) {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      'Seul le secrétariat du COTECH (ou un administrateur) enregistre son avis.',
      'actor.role',
    );
  }
}

/** The stage a fiche moves to once the COTECH's avis is recorded. */
export function stageAfterAvis(outcome: CotechAvis): FicheStage {
  return NEXT_STAGE[outcome];
}

import { z } from 'zod';
import { DomainError } from './errors.js';
import { email, nonEmptyText, parseInput } from './validation.js';

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

const MAX_TITLE = 200;
const MAX_COMMENT = 5000;

const newFicheSchema = z.object(
  {
    title: nonEmptyText(MAX_TITLE, {
      required: 'Le titre de la fiche est obligatoire.',
      tooLong: `Le titre dépasse ${MAX_TITLE} caractères : raccourcissez-le.`,
    }),
    authorEmail: email(),
  },
  { error: 'Le corps de la requête doit être un objet JSON.' },
);

const COMMENT_RULE = `Le commentaire doit être un texte de ${MAX_COMMENT} caractères au plus.`;
const COMMENT_REQUIRED = 'Un avis « à retravailler » doit dire au GTT quoi reprendre : ajoutez un commentaire.';

const decisionSchema = z
  .object(
    {
      outcome: z.enum(COTECH_AVIS, { error: `L’avis doit être l’un de : ${COTECH_AVIS.join(', ')}.` }),
      comment: z.string({ error: COMMENT_RULE }).max(MAX_COMMENT, { error: COMMENT_RULE }).optional(),
      actor: z.object(
        {
          email: email(),
          role: z.enum(ROLES, { error: `Le rôle doit être l’un de : ${ROLES.join(', ')}.` }),
        },
        { error: 'Indiquez qui enregistre la décision (actor).' },
      ),
    },
    { error: 'La décision doit être un objet JSON.' },
  )
  .refine((decision) => decision.outcome !== 'a_retravailler' || Boolean(decision.comment?.trim()), {
    path: ['comment'],
    error: COMMENT_REQUIRED,
    // Reported with the other issues, as long as the avis and the comment themselves are well formed.
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'outcome' && issue.path?.[0] !== 'comment'),
  })
  .transform(({ outcome, comment, actor }): DecisionInput => {
    const trimmed = comment?.trim();
    return { outcome, ...(trimmed ? { comment: trimmed } : {}), actor };
  });

/** Checks a new fiche's fields; returns them normalised. */
export function parseNewFiche(input: unknown): NewFiche {
  return parseInput(newFicheSchema, input, { what: 'la fiche' });
}

/** Checks a decision's fields; returns them normalised. */
export function parseDecision(input: unknown): DecisionInput {
  return parseInput(decisionSchema, input, { what: 'la décision' });
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

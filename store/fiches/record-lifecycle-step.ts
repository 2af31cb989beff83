import type { InstanceKind } from '../../domain/charter.js';
import type { FollowUp } from '../../domain/lifecycle/follow-up.js';
import type { Indicator, LifecyclePosition } from '../../domain/lifecycle/model.js';
import type { ActionKind, Stage } from '../../domain/lifecycle/vocabulary.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

/** One accepted step of a fiche's lifecycle, as the workflow recorded it. */
export interface LifecycleStepInput {
  /** One step per key: a retried activity finds it written and writes nothing. */
  idempotencyKey: string;
  ficheId: string;
  conventionId: string;
  action: ActionKind;
  actorEmail: string;
  actorRole: string;
  outcome?: string;
  comment?: string;
  /** The version the step concerns. */
  version: number;
  fromStage: Stage;
  toStage: Stage;
  /** The body whose decision this is (avis, COPIL decision, Bureau validation), and its meeting. */
  instanceKind?: InstanceKind;
  meetingId?: string;
  /** The version in force after the step. */
  versionInForce: number | null;
  /** For an évaluation: what the campaigns and the COPIL's yearly review read. */
  evaluation?: { year: number; summary: string; indicators?: Indicator[] };
  /** What the workflow follows after the step (older runs' steps say nothing). */
  followUp?: FollowUp;
  /** The lifecycle after the step (older runs' steps say nothing). */
  lifecycle?: LifecyclePosition;
  at: string;
}

const DECISIONS: Partial<Record<ActionKind, true>> = {
  recordAvis: true,
  recordCopilDecision: true,
  recordBureauValidation: true,
};

/**
 * Writes one lifecycle step — the fiche's stage, the versions' states, the decision when a
 * body decided, and the audit line with its actor — together, or none of them. Most steps are one
 * statement (writeStep); an amendment's new draft and an évaluation add a row in the same transaction.
 */
export async function recordLifecycleStep(db: PrismaClient, input: LifecycleStepInput): Promise<{ created: boolean }> {
  if (input.action !== 'requestAmendment' && !(input.action === 'recordEvaluation' && input.evaluation)) {
    return { created: await writeStep(db, input) };
  }
  return db.$transaction(async (tx) => {
    if (!(await writeStep(tx, input))) return { created: false };
    if (input.action === 'requestAmendment') await startAmendment(tx, input);
    if (input.action === 'recordEvaluation' && input.evaluation) {
      await tx.ficheEvaluation.create({
        data: {
          ficheId: input.ficheId,
          year: input.evaluation.year,
          version: input.version,
          summary: input.evaluation.summary,
          ...(input.evaluation.indicators?.length ? { indicators: input.evaluation.indicators as object[] } : {}),
          recordedBy: input.actorEmail,
          recordedAt: new Date(input.at),
        },
      });
    }
    return { created: true };
  });
}

/**
 * The step's writes in one statement, keyed by its audit line: a retried activity finds the key taken
 * and writes nothing (false). Each write depends on the audit line's insert, which depends on the fiche.
 */
async function writeStep(db: Prisma.TransactionClient, input: LifecycleStepInput): Promise<boolean> {
  const details = {
    version: input.version,
    from: input.fromStage,
    to: input.toStage,
    role: input.actorRole,
    ...(input.outcome ? { outcome: input.outcome } : {}),
    ...(input.comment ? { comment: input.comment } : {}),
    ...(input.meetingId ? { meetingId: input.meetingId } : {}),
  };
  const decided = DECISIONS[input.action] && input.instanceKind ? input.instanceKind : null;
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  const [row] = await db.$queryRawUnsafe<{ created: boolean; found: boolean }[]>(
    `WITH audit AS (
      INSERT INTO "AuditEvent" ("id", "key", "actor", "action", "subject", "details", "at")
      SELECT gen_random_uuid()::text, $1, $2, $3, $4, $5::jsonb, $6::timestamp
      WHERE EXISTS (SELECT 1 FROM "FicheAction" WHERE "id" = $7)
      ON CONFLICT ("key") DO NOTHING RETURNING "id"
    ), fiche AS (
      UPDATE "FicheAction" SET "status" = $8, "followUp" = COALESCE($9::jsonb, "followUp"),
        "lifecycle" = COALESCE($10::jsonb, "lifecycle"), "updatedAt" = $11::timestamp
      WHERE "id" = $7 AND EXISTS (SELECT 1 FROM audit)
    ), version AS (
      UPDATE "FicheVersion" SET "state" = $12
      WHERE "ficheId" = $7 AND "version" = $13 AND EXISTS (SELECT 1 FROM audit)
    ), replaced AS (
      UPDATE "FicheVersion" SET "state" = 'remplacee'
      WHERE "ficheId" = $7 AND "version" < $14::int AND "version" <> $13 AND "state" = 'en_vigueur'
        AND EXISTS (SELECT 1 FROM audit)
    ), decision AS (
      INSERT INTO "Decision" ("id", "idempotencyKey", "ficheId", "version", "instanceId", "meetingId", "stage",
        "outcome", "comment", "actorEmail", "actorRole", "decidedAt")
      SELECT gen_random_uuid()::text, $1, $7, $13,
        (SELECT "id" FROM "Instance" WHERE "conventionId" = $15 AND "kind" = $16 LIMIT 1),
        $17, $18, $19, $20, $21, $22, $6::timestamp
      FROM audit WHERE $16::text IS NOT NULL
    )
    SELECT EXISTS (SELECT 1 FROM audit) AS created, EXISTS (SELECT 1 FROM "FicheAction" WHERE "id" = $7) AS found`,
    input.idempotencyKey,
    input.actorEmail,
    `fiche.${input.action}`,
    `fiche:${input.ficheId}`,
    JSON.stringify(details),
    input.at,
    input.ficheId,
    input.toStage,
    json(input.followUp),
    json(input.lifecycle),
    new Date().toISOString(),
    versionState(input),
    input.version,
    input.versionInForce,
    input.conventionId,
    decided,
    input.meetingId ?? null,
    input.fromStage,
    input.outcome ?? '',
    input.comment ?? null,
    input.actorEmail,
    input.actorRole,
  );
  if (!row?.found) throw new Error(`No fiche ${input.ficheId}: its step ${input.idempotencyKey} was not recorded.`);
  return row.created;
}

/**
 * An amendment's draft starts from the version in force, not from the latest one: an earlier
 * amendment withdrawn or refused keeps its number but not its content.
 */
async function startAmendment(tx: Prisma.TransactionClient, input: LifecycleStepInput): Promise<void> {
  const inForce = await tx.ficheVersion.findFirstOrThrow({
    where: { ficheId: input.ficheId, ...(input.versionInForce !== null ? { version: input.versionInForce } : {}) },
    orderBy: { version: 'desc' },
    include: { objectifs: { select: { id: true } }, partenaires: { select: { id: true } } },
  });
  await tx.ficheVersion.create({
    data: {
      ficheId: input.ficheId,
      version: input.version,
      title: inForce.title,
      enjeuId: inForce.enjeuId,
      piloteId: inForce.piloteId,
      publicVise: inForce.publicVise,
      secteur: inForce.secteur,
      calendrier: inForce.calendrier,
      budget: inForce.budget ?? undefined,
      indicateurs: inForce.indicateurs ?? undefined,
      objectifs: { connect: inForce.objectifs },
      partenaires: { connect: inForce.partenaires },
      state: versionState(input),
      createdBy: input.actorEmail,
    },
  });
}

/** The state of the version a step concerns, once the step is taken. */
function versionState({ action, outcome }: LifecycleStepInput): string {
  switch (action) {
    case 'recordAvis':
      return outcome === 'a_retravailler' ? 'brouillon' : 'proposee';
    case 'recordCopilDecision':
      return outcome === 'rejetee' ? 'abandonnee' : 'proposee';
    case 'recordBureauValidation':
      return outcome === 'validee' ? 'en_vigueur' : 'abandonnee';
    case 'requestAmendment':
      return 'brouillon';
    case 'withdraw':
      return 'abandonnee';
    case 'recordEvaluation':
      return 'en_vigueur';
    case 'close':
      return 'cloturee';
    default:
      return 'proposee';
  }
}

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
 * body decided, and the audit line with its actor — together, or none of them.
 */
export async function recordLifecycleStep(db: PrismaClient, input: LifecycleStepInput): Promise<{ created: boolean }> {
  return db.$transaction(async (tx) => {
    if (await tx.auditEvent.findUnique({ where: { key: input.idempotencyKey } })) return { created: false };
    const at = new Date(input.at);
    await tx.ficheAction.update({
      where: { id: input.ficheId },
      data: {
        status: input.toStage,
        ...(input.followUp ? { followUp: input.followUp } : {}),
        ...(input.lifecycle ? { lifecycle: input.lifecycle as unknown as Prisma.InputJsonValue } : {}),
      },
    });

    if (input.action === 'requestAmendment') {
      // The amendment starts from the version in force, not from the latest one: an earlier
      // amendment withdrawn or refused keeps its number but not its content.
      const inForce = await tx.ficheVersion.findFirstOrThrow({
        where: {
          ficheId: input.ficheId,
          ...(input.versionInForce !== null ? { version: input.versionInForce } : {}),
        },
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
          state: 'brouillon',
          createdBy: input.actorEmail,
        },
      });
    }
    await tx.ficheVersion.updateMany({
      where: { ficheId: input.ficheId, version: input.version },
      data: { state: versionState(input) },
    });
    if (input.versionInForce !== null) {
      await tx.ficheVersion.updateMany({
        where: { ficheId: input.ficheId, version: { lt: input.versionInForce }, state: 'en_vigueur' },
        data: { state: 'remplacee' },
      });
    }

    if (DECISIONS[input.action] && input.instanceKind) {
      const instance = await tx.instance.findFirst({
        where: { conventionId: input.conventionId, kind: input.instanceKind },
        select: { id: true },
      });
      await tx.decision.create({
        data: {
          idempotencyKey: input.idempotencyKey,
          ficheId: input.ficheId,
          version: input.version,
          instanceId: instance?.id ?? null,
          meetingId: input.meetingId ?? null,
          stage: input.fromStage,
          outcome: input.outcome ?? '',
          comment: input.comment ?? null,
          actorEmail: input.actorEmail,
          actorRole: input.actorRole,
          decidedAt: at,
        },
      });
    }
    if (input.action === 'recordEvaluation' && input.evaluation) {
      await tx.ficheEvaluation.create({
        data: {
          ficheId: input.ficheId,
          year: input.evaluation.year,
          version: input.version,
          summary: input.evaluation.summary,
          ...(input.evaluation.indicators?.length ? { indicators: input.evaluation.indicators as object[] } : {}),
          recordedBy: input.actorEmail,
          recordedAt: at,
        },
      });
    }
    await tx.auditEvent.create({
      data: {
        key: input.idempotencyKey,
        actor: input.actorEmail,
        action: `fiche.${input.action}`,
        subject: `fiche:${input.ficheId}`,
        details: {
          version: input.version,
          from: input.fromStage,
          to: input.toStage,
          role: input.actorRole,
          ...(input.outcome ? { outcome: input.outcome } : {}),
          ...(input.comment ? { comment: input.comment } : {}),
          ...(input.meetingId ? { meetingId: input.meetingId } : {}),
        },
        at,
      },
    });
    return { created: true };
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

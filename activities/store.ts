import type { PrismaClient } from '../generated/prisma/client.js';
import type { DecisionInput, FicheStage } from '../domain/fiche.js';

export interface SaveFicheInput {
  ficheId: string;
  title: string;
  authorEmail: string;
  workflowId: string;
  status: FicheStage;
}

export interface RecordDecisionInput {
  /** One decision per key: a retried activity finds it recorded and does nothing. */
  idempotencyKey: string;
  ficheId: string;
  stage: FicheStage;
  nextStage: FicheStage;
  decision: DecisionInput;
  decidedAt: string;
}

/** Activities that write the domain. Built on a Prisma client so tests pass a real database. */
export function createStoreActivities(prisma: PrismaClient) {
  return {
    /** Creates the fiche's row, or leaves it as it is when a retry finds it there. */
    async saveFiche(input: SaveFicheInput): Promise<void> {
      await prisma.fiche.upsert({
        where: { id: input.ficheId },
        create: {
          id: input.ficheId,
          title: input.title,
          authorEmail: input.authorEmail,
          workflowId: input.workflowId,
          status: input.status,
        },
        update: {},
      });
    },

    /** Writes the decision, the fiche's new status and the audit line together, or none of them. */
    async recordDecision(input: RecordDecisionInput): Promise<{ created: boolean }> {
      return prisma.$transaction(async (tx) => {
        const existing = await tx.decision.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
        if (existing) return { created: false };
        const at = new Date(input.decidedAt);
        await tx.decision.create({
          data: {
            idempotencyKey: input.idempotencyKey,
            ficheId: input.ficheId,
            stage: input.stage,
            outcome: input.decision.outcome,
            comment: input.decision.comment ?? null,
            actorEmail: input.decision.actor.email,
            actorRole: input.decision.actor.role,
            decidedAt: at,
          },
        });
        await tx.fiche.update({ where: { id: input.ficheId }, data: { status: input.nextStage } });
        await tx.auditEvent.create({
          data: {
            actor: input.decision.actor.email,
            action: 'fiche.avis_cotech.recorded',
            subject: `fiche:${input.ficheId}`,
            details: { outcome: input.decision.outcome, from: input.stage, to: input.nextStage, role: input.decision.actor.role },
            at,
          },
        });
        return { created: true };
      });
    },
  };
}

export type StoreActivities = ReturnType<typeof createStoreActivities>;

import type { PrismaClient } from '../generated/prisma/client.js';
import type { DecisionInput, FicheStage } from '../domain/fiche.js';

export interface SaveFicheInput {
  ficheId: string;
  conventionId: string;
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
    /**
     * Creates the fiche and its first version, numbered FA-<year>-<n> within its convention; a
     * retry finds it there and changes nothing. Two fiches numbered at once collide on the unique
     * code, and the activity's retry numbers the loser again.
     */
    async saveFiche(input: SaveFicheInput): Promise<{ code: string }> {
      return prisma.$transaction(async (tx) => {
        const existing = await tx.ficheAction.findUnique({ where: { id: input.ficheId } });
        if (existing) return { code: existing.code };
        const count = await tx.ficheAction.count({ where: { conventionId: input.conventionId } });
        const code = `FA-${new Date().getUTCFullYear()}-${String(count + 1).padStart(2, '0')}`;
        await tx.ficheAction.create({
          data: {
            id: input.ficheId,
            conventionId: input.conventionId,
            code,
            status: input.status,
            workflowId: input.workflowId,
            authorEmail: input.authorEmail,
            versions: { create: { version: 1, title: input.title, state: 'proposee', createdBy: input.authorEmail } },
          },
        });
        return { code };
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
            version: 1,
            stage: input.stage,
            outcome: input.decision.outcome,
            comment: input.decision.comment ?? null,
            actorEmail: input.decision.actor.email,
            actorRole: input.decision.actor.role,
            decidedAt: at,
          },
        });
        await tx.ficheAction.update({ where: { id: input.ficheId }, data: { status: input.nextStage } });
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

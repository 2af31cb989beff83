import type { FollowUp } from '../../domain/lifecycle/follow-up.js';
import type { Stage } from '../../domain/lifecycle/vocabulary.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

export interface SaveFicheInput {
  ficheId: string;
  conventionId: string;
  title: string;
  authorEmail: string;
  workflowId: string;
  status: Stage;
  /** What its workflow follows from the start (runs started before it was written say nothing). */
  followUp?: FollowUp;
}

/**
 * Creates the fiche and its first version, numbered FA-<year>-<n> within its convention; a
 * retry finds it there and changes nothing. Fiches of one convention are numbered one at a time
 * (its row locked until the transaction ends): twenty started at once never collide on a code.
 * An imported fiche's row exists already: only what its workflow follows is written on it.
 */
export async function saveFiche(db: PrismaClient, input: SaveFicheInput): Promise<{ code: string }> {
  return db.$transaction(async (tx) => {
    const existing = await tx.ficheAction.findUnique({ where: { id: input.ficheId } });
    if (existing) {
      if (input.followUp && existing.followUp === null)
        await tx.ficheAction.update({ where: { id: input.ficheId }, data: { followUp: input.followUp } });
      return { code: existing.code };
    }
    await tx.$queryRaw`SELECT 1 FROM "Convention" WHERE id = ${input.conventionId} FOR UPDATE`;
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
        ...(input.followUp ? { followUp: input.followUp } : {}),
        versions: { create: { version: 1, title: input.title, state: 'brouillon', createdBy: input.authorEmail } },
      },
    });
    return { code };
  });
}

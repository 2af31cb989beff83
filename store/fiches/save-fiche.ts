import { workingGroupOf } from '../../domain/fiche.js';
import type { FollowUp } from '../../domain/lifecycle/follow-up.js';
import type { LifecyclePosition } from '../../domain/lifecycle/model.js';
import type { Stage } from '../../domain/lifecycle/vocabulary.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { listWorkingGroups } from '../conventions/list-working-groups.js';

export interface SaveFicheInput {
  ficheId: string;
  conventionId: string;
  title: string;
  authorEmail: string;
  /** The GTT asked for at its creation (its slug, null for none); the author's when absent (domain/fiche.ts). */
  gtt?: string | null;
  workflowId: string;
  status: Stage;
  /** What its workflow follows from the start (runs started before it was written say nothing). */
  followUp?: FollowUp;
  /** Its lifecycle at the start (an imported fiche's is where the import left it). */
  lifecycle?: LifecyclePosition;
}

/**
 * Creates the fiche and its first version, numbered FA-<year>-<n> within its convention; a
 * retry finds it there and changes nothing. Fiches of one convention are numbered one at a time
 * (its row locked until the transaction ends): twenty started at once never collide on a code.
 * An imported fiche's row exists already: only what its workflow follows is written on it. Its GTT is the one asked
 * for, else (none asked, or one removed since the request was checked) its author's when they sit in one.
 */
export async function saveFiche(db: PrismaClient, input: SaveFicheInput): Promise<{ code: string }> {
  return db.$transaction(async (tx) => {
    const existing = await tx.ficheAction.findUnique({ where: { id: input.ficheId } });
    if (existing) {
      const unwritten = {
        ...(input.followUp && existing.followUp === null ? { followUp: input.followUp } : {}),
        ...(input.lifecycle && existing.lifecycle === null
          ? { lifecycle: input.lifecycle as unknown as Prisma.InputJsonValue }
          : {}),
      };
      if (Object.keys(unwritten).length > 0)
        await tx.ficheAction.update({ where: { id: input.ficheId }, data: unwritten });
      return { code: existing.code };
    }
    await tx.$queryRaw`SELECT 1 FROM "Convention" WHERE id = ${input.conventionId} FOR UPDATE`;
    const count = await tx.ficheAction.count({ where: { conventionId: input.conventionId } });
    const code = `FA-${new Date().getUTCFullYear()}-${String(count + 1).padStart(2, '0')}`;
    const groups = await listWorkingGroups(tx as PrismaClient, input.conventionId, input.authorEmail);
    const known = input.gtt === null || groups.some((g) => g.slug === input.gtt);
    const slug = workingGroupOf(groups, known ? input.gtt : undefined);
    const gttId = groups.find((g) => g.slug === slug)?.id;
    await tx.ficheAction.create({
      data: {
        id: input.ficheId,
        conventionId: input.conventionId,
        code,
        status: input.status,
        workflowId: input.workflowId,
        authorEmail: input.authorEmail,
        ...(gttId ? { gttId } : {}),
        ...(input.followUp ? { followUp: input.followUp } : {}),
        ...(input.lifecycle ? { lifecycle: input.lifecycle as unknown as Prisma.InputJsonValue } : {}),
        versions: { create: { version: 1, title: input.title, state: 'brouillon', createdBy: input.authorEmail } },
      },
    });
    return { code };
  });
}

import type { PrismaClient } from '../../generated/prisma/client.js';

/** A fiche's convention and workflow, or null: its workflow records it soon after it starts. */
export async function findFicheRef(
  db: PrismaClient,
  ficheId: string,
): Promise<{ id: string; conventionId: string; workflowId: string | null } | null> {
  return db.ficheAction.findUnique({
    where: { id: ficheId },
    select: { id: true, conventionId: true, workflowId: true },
  });
}

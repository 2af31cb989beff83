import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { parseCharter } from '../domain/charter.js';
import type { NewFiche } from '../domain/fiche.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { ficheWorkflowId, type FicheLifecycleInput } from '../workflows/definitions.js';
import type { ficheLifecycleWorkflow } from '../workflows/fiche-lifecycle.js';

/**
 * Starts the lifecycle workflow of a new fiche of the convention, as a brouillon, under the
 * convention's charter and time zone. The workflow records the fiche in the store itself.
 */
export async function startFiche(
  deps: { client: Client; prisma: PrismaClient; taskQueue: string },
  conventionId: string,
  fiche: NewFiche,
): Promise<{ ficheId: string; handle: WorkflowHandle<typeof ficheLifecycleWorkflow> }> {
  const convention = await deps.prisma.convention.findUniqueOrThrow({ where: { id: conventionId }, select: { charter: true, timezone: true } });
  const ficheId = randomUUID();
  const input: FicheLifecycleInput = {
    ficheId,
    conventionId,
    ...fiche,
    charter: parseCharter(convention.charter),
    timing: { zone: convention.timezone },
  };
  const handle = await deps.client.workflow.start<typeof ficheLifecycleWorkflow>('ficheLifecycleWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId: ficheWorkflowId(ficheId),
    args: [input],
  });
  return { ficheId, handle };
}

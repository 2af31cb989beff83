import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { parseCharter, type InstanceKind } from '../domain/charter.js';
import { workingGroupOf, type NewFiche } from '../domain/fiche.js';
import type { Store } from '../store/index.js';
import { ficheWorkflowId, type FicheLifecycleInput, type LifecycleTiming } from '../workflows/definitions.js';
import type { ficheLifecycleWorkflow } from '../workflows/fiche-lifecycle.js';

/**
 * Starts the lifecycle workflow of a new fiche of the convention, as a brouillon, under the
 * convention's charter and time zone, and writes its creation to the audit log: who created it, for
 * which author. The workflow records the fiche in the store itself. `ficheId`, when the caller
 * chose it (a form's key), makes a second start of the same fiche fail with Temporal's
 * WorkflowExecutionAlreadyStartedError instead of creating another. A GTT asked for is one of the convention's, or
 * nothing starts (a DomainError naming the field `gtt`).
 */
export async function startFiche(
  deps: { client: Client; store: Store; taskQueue: string },
  conventionId: string,
  fiche: NewFiche,
  createdBy: string,
  options: { ficheId?: string } = {},
): Promise<{ ficheId: string; handle: WorkflowHandle<typeof ficheLifecycleWorkflow> }> {
  const ficheId = options.ficheId ?? randomUUID();
  if (typeof fiche.gtt === 'string')
    workingGroupOf(await deps.store.conventions.listWorkingGroups(conventionId, fiche.authorEmail), fiche.gtt);
  const input: FicheLifecycleInput = {
    ficheId,
    conventionId,
    ...fiche,
    ...(await lifecycleSettings(deps.store, conventionId)),
  };
  const handle = await deps.client.workflow.start<typeof ficheLifecycleWorkflow>('ficheLifecycleWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId: ficheWorkflowId(ficheId),
    args: [input],
  });
  await deps.store.audit.record({
    actor: createdBy,
    action: 'fiche.create',
    subject: `fiche:${ficheId}`,
    details: { title: fiche.title, author: fiche.authorEmail, ...(fiche.gtt !== undefined ? { gtt: fiche.gtt } : {}) },
    at: new Date(),
    key: `fiche.create:${ficheId}`,
  });
  return { ficheId, handle };
}

/** The convention's charter and delays, as each of its fiche workflows starts with them. */
export async function lifecycleSettings(
  store: Store,
  conventionId: string,
): Promise<Pick<FicheLifecycleInput, 'charter' | 'timing'>> {
  const convention = await store.conventions.findSettings(conventionId);
  // An instance kind's delays, from its first instance that sets them (there is one COTECH, COPIL, Bureau).
  const byInstance: NonNullable<LifecycleTiming['byInstance']> = {};
  for (const instance of convention.instances) {
    const kind = instance.kind as InstanceKind;
    if (byInstance[kind] || (instance.decisionReminderDays === null && instance.escalationDays === null)) continue;
    byInstance[kind] = {
      ...(instance.decisionReminderDays !== null ? { remindAfterDays: instance.decisionReminderDays } : {}),
      ...(instance.escalationDays !== null ? { escalateAfterDays: instance.escalationDays } : {}),
    };
  }
  return { charter: parseCharter(convention.charter), timing: { zone: convention.timezone, byInstance } };
}

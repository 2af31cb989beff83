import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { driveToValidation, takeStep, type ActionInput } from '../../client/fiche-steps.js';
import { startFiche } from '../../client/start-fiche.js';
import type { InstanceKind } from '../../domain/charter.js';
import type { ActionKind } from '../../domain/lifecycle/vocabulary.js';
import { ficheStateQuery, type FicheLifecycleInput } from '../../workflows/definitions.js';
import { call, takeUntilDone, type Harness } from './harness.js';
import type { MeetingPlanner } from './meetings.js';
import { GiveUp, persist } from './persist.js';

/**
 * Starts the fiche's workflow once. A start whose answer was lost (the server went down mid-call)
 * may have started it all the same: before starting again, the workflows started since are read
 * for one with this title, which is then the fiche's.
 */
async function startOnce(harness: Harness, title: string): Promise<{ ficheId: string; handle: WorkflowHandle }> {
  const author = { title, authorEmail: harness.people.cooperateur.email };
  for (;;) {
    if (Date.now() > harness.deadline) throw new GiveUp(`${title}: never started`);
    await harness.whenUp();
    const since = new Date(Date.now() - 5000);
    try {
      return await startFiche(harness, harness.conventionId, author, harness.people.cooperateur.email);
    } catch (error) {
      harness.log(`${title}: start failed (${(error as Error).message.split('\n')[0]}): looking for it`);
    }
    await harness.whenUp();
    await sleep(2000); // Visibility lists a new workflow a moment after its start.
    const found = await persist(
      `${title}: looking for a lost start`,
      () => findStarted(harness, title, since),
      harness,
    );
    if (found.ficheId) return { ficheId: found.ficheId, handle: harness.client.workflow.getHandle(found.workflowId) };
  }
}

async function findStarted(
  harness: Harness,
  title: string,
  since: Date,
): Promise<{ ficheId?: string; workflowId: string }> {
  const query = `WorkflowType = 'ficheLifecycleWorkflow' AND StartTime >= '${since.toISOString()}'`;
  for await (const info of harness.client.workflow.list({ query })) {
    const history = await harness.client.workflow.getHandle(info.workflowId).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const input = payload ? defaultPayloadConverter.fromPayload<FicheLifecycleInput>(payload) : undefined;
    if (input?.title === title) return { ficheId: input.ficheId, workflowId: info.workflowId };
  }
  return { workflowId: '' };
}

/**
 * One fiche from brouillon to clôturée as its people would take it: submitted, the COTECH's avis
 * at its meeting, the partners' opinions, the COPIL's adoption and the Bureau's validation at
 * theirs, then closed. Each step is taken until the workflow shows it taken. Resolves once the
 * closing step is recorded (the workflow then sends its last mails and ends).
 */
export async function driveLifecycle(harness: Harness, meetings: MeetingPlanner, title: string): Promise<string> {
  const { ficheId, handle } = await startOnce(harness, title);
  // As the HTTP API does, act once the workflow has recorded the fiche in the store.
  await persist(
    `${title}: the fiche row`,
    async () =>
      (await harness.prisma.ficheAction.findUnique({ where: { id: ficheId }, select: { id: true } })) ?? undefined,
    harness,
  );
  const state = () => call(harness, () => handle.query(ficheStateQuery));
  const act = async <K extends ActionKind>(kind: K, input: ActionInput<K>) => {
    const epoch = (await persist(`${title}: state before ${kind}`, state, harness)).lifecycle.history.length;
    await takeUntilDone(
      harness,
      `${title}: ${kind}`,
      handle,
      () => takeStep(handle, kind, input),
      async () => (await state()).lifecycle.history.length > epoch,
    );
    // Asked again until it answers: a restart of Temporal here must not end the lifecycle.
    return persist(`${title}: state after ${kind}`, state, harness);
  };
  const holdMeeting = async (kind: InstanceKind) => {
    const agenda = await persist(
      `${title}: on a ${kind} agenda`,
      async () => {
        const { agenda } = await state();
        if (agenda?.instanceKind === kind) return agenda;
        await meetings.ensure(kind);
        return undefined;
      },
      harness,
    );
    await sleep(Math.max(0, Date.parse(agenda.startsAt) - Date.now()) + 250);
  };
  await driveToValidation({ act, holdMeeting }, harness.people);
  await act('close', { actor: harness.people.cooperateur, reason: 'Fin de la course au chaos' });
  return handle.workflowId;
}

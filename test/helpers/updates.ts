import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';

/** What a validator said when it refused an update: the failure's type (a domain code) and message. */
export interface UpdateRefusal {
  type: string | undefined;
  message: string;
}

/** Expects `pending` (an update) to be refused, and gives what the refusal said. */
export async function updateRefusal(pending: Promise<unknown>): Promise<UpdateRefusal> {
  const error = await pending.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the update should have been refused').toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure | undefined;
  return { type: cause?.type ?? undefined, message: cause?.message ?? '' };
}

/** How many updates entered the workflow's history: a refused one never does. */
export async function acceptedUpdates(handle: WorkflowHandle): Promise<number> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
}

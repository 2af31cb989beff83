import type { Client } from '@temporalio/client';
import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/lifecycle/model.js';
import { chooseAmongTiedUpdate, closePollUpdate, type PollState } from '../workflows/poll-definitions.js';

/** The organiser's steps, by the name the API gives them. */
export const POLL_STEPS = ['close', 'choose'] as const;
export type PollStep = (typeof POLL_STEPS)[number];

/**
 * An organiser's step on a started poll (as store.polls.findState reads it): close it before its
 * deadline (the rule then chooses the date, or puts a tie to the organiser), or choose among tied
 * dates. Both are updates of the poll's workflow, whose validators refuse a wrong role or moment
 * before anything is recorded; the workflow then creates the meeting of the date chosen, which
 * convenes its members. A poll whose date is chosen is refused here: its workflow is over.
 */
export async function runPollStep(
  client: Client,
  poll: { workflowId: string; status: string },
  step: PollStep,
  input: { actor: Actor; optionId?: unknown },
): Promise<PollState> {
  if (poll.status === 'clos') throw new DomainError('WRONG_STAGE', 'La date de ce sondage est déjà choisie.');
  const handle = client.workflow.getHandle(poll.workflowId);
  if (step === 'close') return handle.executeUpdate(closePollUpdate, { args: [{ actor: input.actor }] });
  // The workflow's validator parses the choice (chooseSchema) and refuses a date not in the tie.
  const args = { actor: input.actor, optionId: input.optionId } as { actor: Actor; optionId: string };
  return handle.executeUpdate(chooseAmongTiedUpdate, { args: [args] });
}

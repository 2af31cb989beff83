import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { InstanceKind } from '../domain/charter.js';
import { DomainError, type FieldIssue } from '../domain/errors.js';
import type { Actor } from '../domain/lifecycle/model.js';
import { assertMayManagePoll } from '../domain/poll-rules.js';
import type { Store } from '../store/index.js';
import type { datePollWorkflow } from '../workflows/date-poll.js';
import { pollWorkflowId, type DatePollWorkflowInput } from '../workflows/poll-definitions.js';
import { checkPollDates, pollWorkflowInput } from './start-poll.js';

export type SetupPollOutcome =
  | {
      key: string;
      pollId: string;
      outcome: 'started';
      workflowId: string;
      participants: string[];
      warnings: FieldIssue[];
    }
  | { key: string; pollId: string; outcome: 'already_started'; workflowId: string }
  | { key: string; pollId: string; outcome: 'refused'; code: string; message: string; field?: string };

/**
 * Starts the date polls a convention's setup holds (imported with it, `polls`) whose workflow has
 * not started: each is checked as a new poll is (who starts it, the dates, the deadline, the
 * instance's convocation delay), given its participants (the instance's members), then its
 * workflow, which invites them. Idempotent by workflow id: a poll whose workflow exists, running or
 * done, is left as it is, so calling again starts only what is left. A poll that cannot start
 * (its deadline passed, no instance…) is reported with the reason, in French, and the others go on.
 */
export async function startSetupPolls(
  deps: { client: Client; store: Store; taskQueue: string },
  conventionId: string,
  actor: Actor,
  options: { now?: Date; timing?: DatePollWorkflowInput['timing'] } = {},
): Promise<SetupPollOutcome[]> {
  const now = options.now ?? new Date();
  const convention = await deps.store.conventions.findSettings(conventionId);
  const polls = await deps.store.polls.listSetupPolls(conventionId);
  const outcomes: SetupPollOutcome[] = [];
  for (const poll of polls) {
    const workflowId = poll.workflowId ?? pollWorkflowId(poll.id);
    const seen = { key: poll.key, pollId: poll.id };
    if (await exists(deps.client, workflowId)) {
      outcomes.push({ ...seen, outcome: 'already_started', workflowId });
      continue;
    }
    try {
      const { instance, deadline } = poll;
      if (!instance)
        throw new DomainError(
          'INVALID_INPUT',
          `Le sondage « ${poll.title} » ne nomme aucune instance : indiquez dans la ` +
            `configuration (« instance ») celle dont la date retenue sera la réunion.`,
          'instance',
        );
      if (!deadline)
        throw new DomainError(
          'INVALID_INPUT',
          `Le sondage « ${poll.title} » n’a pas de date limite de ` +
            `réponse : indiquez-la dans la configuration (« deadline »).`,
          'deadline',
        );
      const kind = instance.kind as InstanceKind;
      assertMayManagePoll(kind, actor, 'create');
      const warnings = checkPollDates(convention, instance, poll.options, deadline, now);
      const participants =
        poll.participants.length > 0
          ? poll.participants
          : [...new Set(instance.members.map((email) => email.toLowerCase()))].sort();
      if (participants.length === 0)
        throw new DomainError(
          'INVALID_INPUT',
          `L’instance « ${instance.name} » n’a aucun membre : personne à interroger.`,
          'participants',
        );
      await deps.store.polls.recordSetupPollStart({
        pollId: poll.id,
        key: poll.key,
        participants,
        workflowId,
        actorEmail: actor.email,
        at: now,
      });
      const input = pollWorkflowInput({ ...poll, deadline, participants }, kind, convention.timezone, options.timing);
      try {
        await deps.client.workflow.start<typeof datePollWorkflow>('datePollWorkflow', {
          taskQueue: deps.taskQueue,
          workflowId,
          args: [input],
        });
      } catch (error) {
        // Started meanwhile by another call.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        outcomes.push({ ...seen, outcome: 'already_started', workflowId });
        continue;
      }
      outcomes.push({ ...seen, outcome: 'started', workflowId, participants, warnings });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes.push({
        ...seen,
        outcome: 'refused',
        code: error.code,
        message: error.message,
        ...(error.field ? { field: error.field } : {}),
      });
    }
  }
  return outcomes;
}

async function exists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

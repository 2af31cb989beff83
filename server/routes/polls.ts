import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { actorOnlySchema } from '../../domain/lifecycle/action-schemas.js';
import { assertMayPlanCalendar } from '../../domain/meeting-recurrence.js';
import { chooseSchema, newPollSchema, parseNewPoll } from '../../domain/poll-input.js';
import type { Store } from '../../store/index.js';
import { pollStateQuery } from '../../workflows/poll-definitions.js';
import { POLL_STEPS, runPollStep, type PollStep } from '../../client/poll-steps.js';
import { startPoll } from '../../client/start-poll.js';
import { startSetupPolls } from '../../client/start-setup-polls.js';
import { HttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route, routeConvention, serverSet } from '../route.js';

const ID = /^[A-Za-z0-9-]{1,64}$/;
const notFound = () => new HttpError(404, 'NOT_FOUND', 'Aucun sondage ne porte cet identifiant.');

const bodyOf = (body: unknown) => (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;

/**
 * Date polls: starting one starts its workflow (invitations, reminders, the choice at the
 * deadline, the meeting); closing it early and breaking a tie are updates of that workflow, whose
 * validators refuse a wrong role or moment before anything is recorded. Participants answer
 * through the voting page their signed link opens (server/routes/vote.ts).
 */
export const pollRoutes: FastifyPluginAsync<{ client: Client; store: Store; taskQueue: string }> = async (
  app,
  deps,
) => {
  route(
    app,
    {
      method: 'POST',
      url: '/api/polls',
      summary: 'Start a date poll (invitations, reminders, the choice)',
      tag: 'sondages',
      access: 'domain',
      body: { schema: newPollSchema() },
      success: { status: 201, description: '{ pollId, workflowId, options, warnings }' },
      errors: [422],
    },
    async (request, reply) => {
      const input = parseNewPoll(request.body);
      const convention = await deps.store.conventions.resolve(input.convention);
      const actor = await actorOf(request, deps.store, convention.id);
      const started = await startPoll(deps, convention.id, input, actor);
      return reply.code(201).send(started);
    },
  );

  // The polls of the convention's setup (imported with it) whose workflow has not started yet.
  route<{ Params: { slug: string } }>(
    app,
    {
      method: 'POST',
      url: '/api/conventions/:slug/polls/start',
      summary:
        'Start the date polls of the convention’s setup whose workflow has not started: each one started, already ' +
        'started or refused (with why)',
      tag: 'sondages',
      access: 'steward',
      convention: async (request) => (await deps.store.conventions.resolve(request.params.slug)).id,
      // The setup's polls are part of the year's plan, which the coopérateurs run.
      steward: assertMayPlanCalendar,
      success: { status: 200, description: '{ polls }' },
    },
    async (request) => {
      const { id, actor } = routeConvention(request);
      return { polls: await startSetupPolls(deps, id, actor) };
    },
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'GET',
      url: '/api/polls/:id',
      summary: 'A poll: counts per date, volunteers, who has not answered',
      tag: 'sondages',
      access: 'convention',
      success: { status: 200, description: 'The poll' },
      errors: [404],
    },
    async (request) => {
      if (!ID.test(request.params.id)) throw notFound();
      const poll = await deps.store.polls.find(request.params.id);
      if (!poll) throw notFound();
      await actorOf(request, deps.store, poll.conventionId);
      const workflow = poll.workflowId
        ? await deps.client.workflow
            .getHandle(poll.workflowId)
            .query(pollStateQuery)
            .catch(() => null)
        : null;
      return {
        pollId: poll.pollId,
        title: poll.title,
        description: poll.description,
        location: poll.location,
        instance: poll.instance,
        organizerEmail: poll.organizerEmail,
        status: workflow?.status ?? poll.status,
        deadline: poll.deadline?.toISOString() ?? null,
        options: poll.options.map((o) => ({
          id: o.id,
          kind: o.kind,
          label: o.label,
          startsAt: o.startsAt.toISOString(),
          endsAt: o.endsAt.toISOString(),
          capacity: o.capacity,
          oui: o.tally.oui,
          siNecessaire: o.tally.siNecessaire,
          non: o.tally.non,
          volunteers: o.volunteers,
        })),
        participants: poll.participants.length,
        answered: poll.participants.filter((p) => poll.ballots[p]).length,
        awaiting: poll.participants.filter((p) => !poll.ballots[p]),
        tied: workflow?.tied ?? [],
        chosenOptionId: workflow?.chosenOptionId ?? poll.chosenOptionId,
        chosenBy: workflow?.chosenBy ?? poll.chosenBy,
        meetingId: workflow?.meetingId ?? poll.meetingId,
        nextReminder: workflow?.nextReminder ?? null,
      };
    },
  );

  route<{ Params: { id: string; step: string } }>(
    app,
    {
      method: 'POST',
      url: '/api/polls/:id/:step',
      summary: 'The organiser’s steps: close early, or choose among tied dates',
      tag: 'sondages',
      access: 'domain',
      success: { status: 200, description: 'The poll workflow’s answer' },
      errors: [404, 409],
      variants: { param: 'step', bodies: { close: serverSet(actorOnlySchema()), choose: serverSet(chooseSchema()) } },
    },
    async (request) => {
      const { id, step } = request.params;
      if (!(POLL_STEPS as readonly string[]).includes(step))
        throw new HttpError(404, 'NOT_FOUND', `Étape inconnue « ${step} » : ${POLL_STEPS.join(', ')}.`);
      if (!ID.test(id)) throw notFound();
      const poll = await deps.store.polls.findState(id);
      if (!poll?.workflowId) throw notFound();
      const actor = await actorOf(request, deps.store, poll.conventionId);
      const { workflowId, status } = poll;
      return runPollStep(deps.client, { workflowId, status }, step as PollStep, {
        actor,
        optionId: bodyOf(request.body).optionId,
      });
    },
  );
};

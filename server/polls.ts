import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { assertMayPlanCalendar } from '../domain/meeting-recurrence.js';
import { parseNewPoll } from '../domain/poll-input.js';
import type { Store } from '../store/index.js';
import { chooseAmongTiedUpdate, closePollUpdate, pollStateQuery } from '../workflows/poll-definitions.js';
import { startPoll } from '../client/start-poll.js';
import { startSetupPolls } from '../client/start-setup-polls.js';
import { actorOf, requireViewer } from './auth.js';
import { HttpError } from './errors.js';

const ID = /^[A-Za-z0-9-]{1,64}$/;
const notFound = () => new HttpError(404, 'NOT_FOUND', 'Aucun sondage ne porte cet identifiant.');

const bodyOf = (body: unknown) => (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;

/** The organiser's steps, by the name the API gives them. */
const POLL_UPDATES = { close: closePollUpdate, choose: chooseAmongTiedUpdate } as const;

/**
 * Date polls: starting one starts its workflow (invitations, reminders, the choice at the
 * deadline, the meeting); closing it early and breaking a tie are updates of that workflow, whose
 * validators refuse a wrong role or moment before anything is recorded. Participants answer
 * through the voting page their signed link opens (server/vote.ts).
 */
export function registerPollRoutes(
  app: FastifyInstance,
  deps: { client: Client; store: Store; taskQueue: string },
): void {
  app.post('/api/polls', async (request, reply) => {
    requireViewer(request);
    const input = parseNewPoll(request.body);
    const convention = await deps.store.conventions.resolve(input.convention);
    const actor = await actorOf(request, deps.store, convention.id);
    const started = await startPoll(deps, convention.id, input, actor);
    return reply.code(201).send(started);
  });

  // The polls of the convention's setup (imported with it) whose workflow has not started yet.
  app.post<{ Params: { slug: string } }>('/api/conventions/:slug/polls/start', async (request) => {
    const convention = await deps.store.conventions.resolve(request.params.slug);
    const actor = await actorOf(request, deps.store, convention.id);
    // The setup's polls are part of the year's plan, which the coopérateurs run.
    assertMayPlanCalendar(actor);
    return { polls: await startSetupPolls(deps, convention.id, actor) };
  });

  app.get<{ Params: { id: string } }>('/api/polls/:id', async (request) => {
    requireViewer(request);
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
  });

  app.post<{ Params: { id: string; step: string } }>('/api/polls/:id/:step', async (request) => {
    const { id, step } = request.params;
    requireViewer(request);
    if (!Object.hasOwn(POLL_UPDATES, step))
      throw new HttpError(404, 'NOT_FOUND', `Étape inconnue « ${step} » : ${Object.keys(POLL_UPDATES).join(', ')}.`);
    if (!ID.test(id)) throw notFound();
    const poll = await deps.store.polls.findState(id);
    if (!poll?.workflowId) throw notFound();
    // Its workflow has ended: say why rather than let Temporal answer that it is gone.
    if (poll.status === 'clos') throw new HttpError(409, 'WRONG_STAGE', 'La date de ce sondage est déjà choisie.');
    const body = bodyOf(request.body);
    const actor = await actorOf(request, deps.store, poll.conventionId);
    const update = POLL_UPDATES[step as keyof typeof POLL_UPDATES];
    const args = step === 'choose' ? { optionId: body.optionId, actor } : { actor };
    return deps.client.workflow.getHandle(poll.workflowId).executeUpdate(update as never, { args: [args] as never });
  });
}

import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseInput } from '../../domain/validation.js';
import { declineCounterSchema, rescheduleSchema } from '../../domain/meeting-input.js';
import type { Store } from '../../store/index.js';
import { declineCounterUpdate, rescheduleUpdate } from '../../workflows/meeting-definitions.js';
import { HttpError } from '../errors.js';
import { route } from '../route.js';
import { manageableMeeting, toMeetingPage } from './meeting-form-routes.js';
import { ID } from './page-lookup.js';

/** Dependencies of {@link registerCounterProposalPages}. */
export interface CounterProposalPagesDependencies {
  client: Client;
  store: Store;
  now: () => Date;
}

const POSTED = { status: 303, description: 'Redirect to the meeting’s page', contentType: 'text/html' } as const;
const gone = () =>
  new HttpError(404, 'NOT_FOUND', 'Cette proposition n’existe pas ou a déjà reçu une réponse : rechargez la page.');

/**
 * The organiser's answers to a member's proposal of another time (iTIP COUNTER, shown on the
 * meeting's page): accept is the meeting's reschedule step to the proposed times (the members get
 * a REQUEST with the next SEQUENCE), decline is its declineCounter step (the proposer gets a
 * DECLINECOUNTER). Both are allowed to whoever may move the meeting, and both go in its history.
 */
export function registerCounterProposalPages(scope: FastifyInstance, deps: CounterProposalPagesDependencies): void {
  /** The meeting the reader may move now, and its proposal still waiting for an answer. */
  const pendingProposal = async (request: FastifyRequest<{ Params: { id: string; proposal: string } }>) => {
    const meeting = await manageableMeeting(deps, request, request.params.id, 'reschedule');
    const proposal = ID.test(request.params.proposal)
      ? await deps.store.meetings.findCounter({ meetingId: meeting.meeting.id, id: request.params.proposal })
      : null;
    if (proposal?.status !== 'pending') throw gone();
    return { ...meeting, proposal, counter: { id: proposal.id, from: proposal.person.email } };
  };

  route<{ Params: { id: string; proposal: string } }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/propositions/:proposal/accepter',
      summary: 'Accept a member’s proposal of another time: the meeting moves there, as its reschedule step',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const { meeting, workflowId, actor, proposal, counter } = await pendingProposal(request);
      const input = parseInput(rescheduleSchema(), {
        actor,
        startsAt: proposal.startsAt.toISOString(),
        endsAt: proposal.endsAt.toISOString(),
        reason: `proposition de ${proposal.person.displayName}, depuis son agenda`,
        counter,
      });
      await deps.client.workflow.getHandle(workflowId).executeUpdate(rescheduleUpdate, { args: [input] });
      return toMeetingPage(reply, meeting.id, 'deplacee');
    },
  );

  route<{ Params: { id: string; proposal: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/propositions/:proposal/refuser',
      summary: 'Decline a member’s proposal of another time (field `motif`, optional): a DECLINECOUNTER goes to them',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const { meeting, workflowId, actor, counter } = await pendingProposal(request);
      const motif = typeof request.body?.motif === 'string' ? request.body.motif.trim() : '';
      const input = parseInput(declineCounterSchema(), { actor, counter, ...(motif ? { comment: motif } : {}) });
      await deps.client.workflow.getHandle(workflowId).executeUpdate(declineCounterUpdate, { args: [input] });
      return toMeetingPage(reply, meeting.id, 'proposition-refusee');
    },
  );
}

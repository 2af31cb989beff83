import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.js';
import { auditAs } from '../audit.js';
import { route } from '../route.js';
import { manageableMeeting, toMeetingPage } from './meeting-form-routes.js';

/**
 * « Publier le relevé »: who may send a meeting's relevé de décisions (its secretary, the
 * coopérateurs, once attendance is in) puts it on the convention's public page. Publishing twice
 * changes nothing; each publication is audited.
 */
export function registerDecisionsPublicationPages(
  scope: FastifyInstance,
  deps: { store: Store; now: () => Date },
): void {
  route<{ Params: { id: string } }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/releve/publier',
      summary: 'Publish the meeting’s relevé de décisions on the convention’s public page',
      tag: 'pages',
      access: 'domain',
      success: { status: 303, description: 'Redirect to the séance’s page', contentType: 'text/html' },
      errors: [403, 404, 409],
    },
    async (request, reply) => {
      const { meeting, actor } = await manageableMeeting(deps, request, request.params.id, 'sendDecisionSummary');
      const already = await deps.store.openData.findPublication(meeting.id);
      if (!already) {
        await deps.store.openData.publishDecisions({ meetingId: meeting.id, by: actor.email, at: deps.now() });
        await auditAs(deps.store, request)('meeting.publishDecisions', `meeting:${meeting.id}`, {
          decisions: meeting.decisions.length,
        });
      }
      return toMeetingPage(reply, meeting.id, 'publie', '/seance');
    },
  );
}

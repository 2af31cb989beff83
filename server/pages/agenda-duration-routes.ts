import type { FastifyInstance } from 'fastify';
import { itemDurationSchema } from '../../domain/agenda-times.js';
import { DomainError } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import { agendaChangedSignal } from '../../workflows/meeting-definitions.js';
import { HttpError } from '../errors.js';
import { route } from '../route.js';
import { sendAppPage } from './layout.js';
import type { MeetingAgendaPagesDependencies } from './meeting-agenda-routes.js';
import { agendaPage } from './meeting-agenda.js';
import { manageableMeeting } from './meeting-form-routes.js';
import { ID } from './page-lookup.js';

/**
 * An item's duration on the ordre du jour's page (field `minutes`, empty for none). Like the other
 * agenda edits, the meeting's workflow is told: a convocation already sent is followed by the
 * dossier de séance again once the changes stop (workflows/meeting.ts, `agendaUpdateQuietMs`).
 */
export function registerAgendaDurationPages(scope: FastifyInstance, deps: MeetingAgendaPagesDependencies): void {
  route<{ Params: { id: string; itemId: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/ordre-du-jour/:itemId/duree',
      summary: 'Set the duration in minutes of an item of the ordre du jour (field minutes; empty: none)',
      tag: 'pages',
      access: 'domain',
      success: { status: 303, description: 'Redirect to the agenda page', contentType: 'text/html' },
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const { meeting, workflowId } = await manageableMeeting(deps, request, request.params.id, 'editAgenda');
      const { itemId } = request.params;
      if (!ID.test(itemId) || !meeting.agenda.some((item) => item.id === itemId))
        throw new HttpError(404, 'NOT_FOUND', 'Ce point n’est pas à l’ordre du jour de cette réunion.');
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
        string,
        unknown
      >;
      const value = typeof body.minutes === 'string' ? body.minutes : '';
      let minutes: number | null;
      try {
        ({ minutes } = parseInput(itemDurationSchema(), { minutes: value }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const message = error.issues?.[0]?.message ?? error.message;
        const form = { meeting, values: { title: '', note: '' }, error: null, notice: null };
        const page = agendaPage({ ...form, durationError: { itemId, value, message } }, deps.viewerOf(request));
        return sendAppPage(reply, 422, page);
      }
      await deps.store.meetings.setAgendaItemDuration({ meetingId: meeting.id, itemId, minutes });
      await deps.client.workflow.getHandle(workflowId).signal(agendaChangedSignal);
      return reply.code(303).header('location', `/reunions/${meeting.id}/ordre-du-jour?fait=ordre`).send();
    },
  );
}

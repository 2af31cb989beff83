import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../store/index.js';
import { agendaChangedSignal } from '../../workflows/meeting-definitions.js';
import { HttpError } from '../errors.js';
import { route } from '../route.js';
import { sendAppPage, type PageViewer } from './layout.js';
import { agendaPage, parseFreeItem } from './meeting-agenda.js';
import { manageableMeeting } from './meeting-form-routes.js';
import { MEETING_NOTICES } from './meeting-forms.js';
import { ID } from './page-lookup.js';

/** Dependencies of {@link registerMeetingAgendaPages}. */
export interface MeetingAgendaPagesDependencies {
  client: Client;
  store: Store;
  viewerOf: (request: FastifyRequest) => PageViewer | null;
  now: () => Date;
}

const FORM_PAGE = { status: 200, description: 'HTML page', contentType: 'text/html' } as const;
const POSTED = { status: 303, description: 'Redirect to the agenda page', contentType: 'text/html' } as const;
const field = (body: unknown, name: string) => {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
};

/**
 * The ordre du jour before the meeting: free items added, any item moved up or down. The agenda
 * lives in the store; the meeting's workflow is told it changed (its `agendaChanged` signal), so
 * the convocation not yet sent carries it, and one sent already is followed by an update.
 */
export function registerMeetingAgendaPages(scope: FastifyInstance, deps: MeetingAgendaPagesDependencies): void {
  const { store, viewerOf } = deps;
  const editable = (request: FastifyRequest, id: string) => manageableMeeting(deps, request, id, 'editAgenda');
  const told = (workflowId: string) => deps.client.workflow.getHandle(workflowId).signal(agendaChangedSignal);
  const toAgenda = (id: string, done: keyof typeof MEETING_NOTICES) => `/reunions/${id}/ordre-du-jour?fait=${done}`;

  route<{ Params: { id: string }; Querystring: { fait?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/reunions/:id/ordre-du-jour',
      summary: 'A meeting’s ordre du jour before it: move items, add a free item',
      tag: 'pages',
      access: 'domain',
      success: FORM_PAGE,
      errors: [403, 404, 409],
    },
    async (request, reply) => {
      const { meeting } = await editable(request, request.params.id);
      const done = request.query.fait;
      const notice = done && Object.hasOwn(MEETING_NOTICES, done) ? MEETING_NOTICES[done as 'point'] : null;
      const form = { meeting, values: { title: '', note: '' }, error: null, notice };
      return sendAppPage(reply, 200, agendaPage(form, viewerOf(request)));
    },
  );

  route<{ Params: { id: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/ordre-du-jour',
      summary: 'Add a free item (fields titre, note) at the end of a meeting’s ordre du jour',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const { meeting, workflowId } = await editable(request, request.params.id);
      const values = { title: field(request.body, 'titre'), note: field(request.body, 'note') };
      const item = parseFreeItem(values);
      if (typeof item === 'string')
        return sendAppPage(reply, 422, agendaPage({ meeting, values, error: item, notice: null }, viewerOf(request)));
      await store.meetings.addFreeAgendaItem({ meetingId: meeting.id, item });
      await told(workflowId);
      return reply.code(303).header('location', toAgenda(meeting.id, 'point')).send();
    },
  );

  route<{ Params: { id: string; itemId: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/ordre-du-jour/:itemId',
      summary: 'Move an item of the ordre du jour one place (field sens: monter or descendre)',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [400, 403, 404, 409],
    },
    async (request, reply) => {
      const { meeting, workflowId } = await editable(request, request.params.id);
      const direction = { monter: 'up', descendre: 'down' }[field(request.body, 'sens')] as 'up' | 'down' | undefined;
      if (!direction) throw new HttpError(400, 'INVALID_INPUT', 'Dites s’il faut monter ou descendre le point.');
      const { itemId } = request.params;
      if (!ID.test(itemId) || !meeting.agenda.some((item) => item.id === itemId))
        throw new HttpError(404, 'NOT_FOUND', 'Ce point n’est pas à l’ordre du jour de cette réunion.');
      if (await store.meetings.moveAgendaItem({ meetingId: meeting.id, itemId, direction })) await told(workflowId);
      return reply.code(303).header('location', toAgenda(meeting.id, 'ordre')).send();
    },
  );
}

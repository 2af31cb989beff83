import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  attendanceSchema,
  cancelSchema,
  meetingTimesSchema,
  minutesSchema,
  rescheduleSchema,
} from '../../domain/meeting-input.js';
import { actorOnlySchema } from '../../domain/lifecycle/action-schemas.js';
import { nonEmptyText, parseInput, slug } from '../../domain/validation.js';
import type { Store } from '../../store/index.js';
import {
  cancelUpdate,
  fileMinutesUpdate,
  meetingStateQuery,
  recordAttendanceUpdate,
  rescheduleUpdate,
  sendDecisionSummaryUpdate,
} from '../../workflows/meeting-definitions.js';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { HttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route, serverSet } from '../route.js';

export const newMeetingSchema = z.object({
  convention: nonEmptyText(64).optional(),
  instance: slug(),
  title: nonEmptyText(200),
});

/** The meeting workflow's updates, by the name the API gives them. */
const MEETING_UPDATES = {
  reschedule: rescheduleUpdate,
  cancel: cancelUpdate,
  attendance: recordAttendanceUpdate,
  'decision-summary': sendDecisionSummaryUpdate,
  minutes: fileMinutesUpdate,
} as const;

const ID = /^[A-Za-z0-9-]{1,64}$/;
const notFound = () => new HttpError(404, 'NOT_FOUND', 'Aucune réunion ne porte cet identifiant.');

/**
 * Meetings: scheduling one starts its workflow (convocation, reminders, invitations); each later
 * step — reschedule, cancel, attendance, relevé de décisions, compte rendu — is an update of that
 * workflow whose validator refuses a wrong role, moment or input before anything is recorded.
 */
export const meetingRoutes: FastifyPluginAsync<{ client: Client; store: Store; taskQueue: string }> = async (
  app,
  deps,
) => {
  route(
    app,
    {
      method: 'POST',
      url: '/api/meetings',
      summary:
        'Schedule a meeting (starts its workflow: convocation, reminders). A weekend, a public holiday ' +
        '(409 NON_WORKING_DAY) or a date within the convocation delay (422 CONVOCATION_DELAY) is refused ' +
        'unless `override: { reason }` holds it, recorded in its history',
      tag: 'réunions',
      access: 'domain',
      body: { schema: [newMeetingSchema, meetingTimesSchema()] },
      success: { status: 201, description: '{ meetingId, workflowId, icalUid, warnings } (warnings: school holidays)' },
      errors: [409, 422],
    },
    async (request, reply) => {
      const base = parseInput(newMeetingSchema, request.body, { what: 'la réunion' });
      const times = parseInput(meetingTimesSchema(), request.body, { what: 'la réunion' });
      const convention = await deps.store.conventions.resolve(base.convention);
      const actor = await actorOf(request, deps.store, convention.id);
      const created = await scheduleMeeting(
        deps,
        convention.id,
        { instance: base.instance, title: base.title, ...times },
        actor,
      );
      return reply.code(201).send(created);
    },
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'GET',
      url: '/api/meetings/:id',
      summary: 'A meeting: agenda, invitations and their answers',
      tag: 'réunions',
      access: 'convention',
      success: { status: 200, description: 'The meeting' },
      errors: [404],
    },
    async (request) => {
      if (!ID.test(request.params.id)) throw notFound();
      const meeting = await deps.store.meetings.find(request.params.id);
      if (!meeting) throw notFound();
      await actorOf(request, deps.store, meeting.conventionId);
      const workflow = meeting.workflowId
        ? await deps.client.workflow
            .getHandle(meeting.workflowId)
            .query(meetingStateQuery)
            .catch(() => null)
        : null;
      return {
        meetingId: meeting.id,
        title: meeting.title,
        instance: meeting.instance,
        startsAt: meeting.startsAt.toISOString(),
        endsAt: meeting.endsAt.toISOString(),
        location: meeting.location,
        visioUrl: meeting.visioUrl,
        status: meeting.status,
        icalUid: meeting.icalUid,
        sequence: meeting.sequence,
        quorumReached: meeting.quorumReached,
        minutesRef: meeting.minutesRef,
        agenda: meeting.agenda,
        invitations: meeting.invitations
          .map((i) => ({
            email: i.person.email,
            name: i.person.displayName,
            role: i.role,
            partstat: i.partstat,
            respondedAt: i.respondedAt,
            attendance: i.attendance,
            // A mail server refused the address for good (activities/mail.ts): its mails do not arrive.
            mailRefused: i.person.mailRefusedAt ? { at: i.person.mailRefusedAt, answer: i.person.mailRefusal } : null,
          }))
          .sort((a, b) => a.email.localeCompare(b.email)),
        nextReminder: workflow?.nextReminder ?? null,
      };
    },
  );

  route<{ Params: { id: string; step: string } }>(
    app,
    {
      method: 'POST',
      url: '/api/meetings/:id/:step',
      summary: 'A step of the meeting',
      tag: 'réunions',
      access: 'domain',
      success: { status: 200, description: 'The meeting workflow’s answer' },
      errors: [404, 409, 422],
      variants: {
        param: 'step',
        bodies: {
          reschedule: serverSet(rescheduleSchema()),
          cancel: serverSet(cancelSchema()),
          attendance: serverSet(attendanceSchema()),
          'decision-summary': serverSet(actorOnlySchema()),
          minutes: serverSet(minutesSchema()),
        },
      },
    },
    async (request) => {
      const { id, step } = request.params;
      if (!Object.hasOwn(MEETING_UPDATES, step)) {
        throw new HttpError(
          404,
          'NOT_FOUND',
          `Étape inconnue « ${step} » : ${Object.keys(MEETING_UPDATES).join(', ')}.`,
        );
      }
      if (!ID.test(id)) throw notFound();
      const meeting = await deps.store.meetings.findState(id);
      if (!meeting?.workflowId) throw notFound();
      // Its workflow has ended: say why rather than let Temporal answer that it is gone.
      if (meeting.status === 'annulee')
        throw new HttpError(409, 'WRONG_STAGE', 'La réunion est annulée : plus rien ne s’y enregistre.');
      if (meeting.minutesFiledAt)
        throw new HttpError(409, 'WRONG_STAGE', 'Le compte rendu de cette réunion est déposé : elle est close.');
      const actor = await actorOf(request, deps.store, meeting.conventionId);
      const update = MEETING_UPDATES[step as keyof typeof MEETING_UPDATES];
      const body = typeof request.body === 'object' && request.body !== null ? request.body : {};
      return deps.client.workflow
        .getHandle(meeting.workflowId)
        .executeUpdate(update as never, { args: [{ ...body, actor }] as never });
    },
  );
};

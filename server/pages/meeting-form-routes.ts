import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { convocationRules, scheduleMeeting } from '../../client/schedule-meeting.js';
import type { InstanceKind } from '../../domain/charter.js';
import { checkConvocationDate, type ConvocationDate } from '../../domain/convocation-date.js';
import { DomainError } from '../../domain/errors.js';
import { readInstant } from '../../domain/instant-input.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { attendanceSchema, cancelSchema, meetingTimesSchema, rescheduleSchema } from '../../domain/meeting-input.js';
import {
  assertMayManageMeeting,
  assertMeetingAction,
  checkAttendance,
  mayManageMeeting,
  type Attendance,
  type MeetingAction,
  type MeetingStatus,
} from '../../domain/meeting-rules.js';
import { parseInput } from '../../domain/validation.js';
import type { Store } from '../../store/index.js';
import type { MeetingPageRow } from '../../store/meetings/find-meeting-page.js';
import {
  cancelUpdate,
  recordAttendanceUpdate,
  rescheduleUpdate,
  sendDecisionSummaryUpdate,
} from '../../workflows/meeting-definitions.js';
import { HttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route } from '../route.js';
import { newMeetingSchema } from '../routes/meetings.js';
import { attendanceOf, attendancePage, postedRows, storedRows, type AttendanceRow } from './attendance-page.js';
import { doneNotice, redirectDone } from './done-notice.js';
import { sendAppPage, type PageViewer } from './layout.js';
import {
  cancelFormPage,
  conveneFormPage,
  meetingFormValues,
  MEETING_NOTICES,
  moveFormPage,
  readMeetingForm,
  type DateReview,
  type FieldErrors,
  type MeetingFormValues,
} from './meeting-forms.js';

/** Dependencies of {@link registerMeetingFormPages}. */
export interface MeetingFormPagesDependencies {
  client: Client;
  store: Store;
  taskQueue: string;
  viewerOf: (request: FastifyRequest) => PageViewer | null;
  now: () => Date;
}

const ID = /^[A-Za-z0-9-]{1,64}$/;
/** After a step: back to the meeting's page, which confirms it (post/redirect/get). */
const toMeetingPage = (reply: FastifyReply, meetingId: string, done: keyof typeof MEETING_NOTICES) =>
  redirectDone(reply, `/reunions/${meetingId}`, done);
const FORM_PAGE = { status: 200, description: 'HTML page', contentType: 'text/html' } as const;
const POSTED = {
  status: 303,
  description: 'Redirect to the meeting’s page, or the form again',
  contentType: 'text/html',
} as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const notFound = () => new HttpError(404, 'NOT_FOUND', 'Réunion introuvable : l’adresse est peut-être incomplète.');

/** The form field that shows an error of the API's input (its path in the schema). */
const FORM_FIELD: Readonly<Record<string, keyof MeetingFormValues>> = {
  instance: 'instance',
  title: 'title',
  startsAt: 'debut',
  endsAt: 'fin',
  location: 'lieu',
  visioUrl: 'visio',
  reason: 'motif',
  override: 'derogation',
  'override.reason': 'derogation',
};

/** Runs a parse; its field issues become the form's errors (the first per field). */
function parsed<T>(parse: () => T, errors: FieldErrors): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'INVALID_INPUT') throw error;
    const issues = error.issues ?? [{ field: error.field ?? '', message: error.message }];
    for (const issue of issues) {
      const name = FORM_FIELD[issue.field];
      if (!name) throw error;
      errors[name] ??= issue.message;
    }
    return undefined;
  }
}

/** The start and end typed (a day, two times), read on the convention's clocks: ISO instants. */
function readTimes(values: MeetingFormValues, zone: string, errors: FieldErrors) {
  const day = values.date.trim();
  if (!DAY.test(day)) {
    errors.date = day ? `« ${day.slice(0, 20)} » n’est pas un jour : écrivez-le jj/mm/aaaa.` : 'Indiquez le jour.';
    return undefined;
  }
  const read = (field: 'debut' | 'fin', label: string): string | undefined => {
    const time = values[field].trim();
    if (!time) {
      errors[field] = `Indiquez l’${label.toLowerCase()}.`;
      return undefined;
    }
    const reading = readInstant(`${day}T${time}`, label, zone);
    if (!reading.ok) errors[field] = reading.message;
    return reading.ok ? reading.instant.toISOString() : undefined;
  };
  const startsAt = read('debut', 'Heure de début');
  const endsAt = read('fin', 'Heure de fin');
  return startsAt && endsAt ? { startsAt, endsAt } : undefined;
}

/** Where and how, as the API's input takes them: absent when left empty. */
const placeOf = (values: MeetingFormValues) => ({
  ...(values.lieu.trim() ? { location: values.lieu.trim() } : {}),
  ...(values.visio.trim() ? { visioUrl: values.visio.trim() } : {}),
});

/**
 * A date form's review: the times read, the rest checked by `parse` (the API's schema), the date's
 * convocation checks; `confirmed` when the reader confirmed the very date they saw checked and gave
 * the reason of the dérogation if a rule must be set aside.
 */
function reviewForm<T>(
  values: MeetingFormValues,
  step: string | undefined,
  rules: { zone: string; dateOf: (startsAt: Date, now: Date) => ConvocationDate } | null,
  now: Date,
  parse: (times: { startsAt: string; endsAt: string }) => T,
): { errors: FieldErrors; review: DateReview | null; confirmed?: T & { override?: { reason: string } } } {
  const errors: FieldErrors = {};
  const times = readTimes(values, rules?.zone ?? 'Europe/Paris', errors);
  const input = times ? parsed(() => parse(times), errors) : undefined;
  if (!times || !input || !rules || Object.keys(errors).length) return { errors, review: null };
  const check = parsed(() => checkConvocationDate(rules.dateOf(new Date(times.startsAt), now), 'startsAt'), errors);
  if (!check) return { errors, review: null };
  const review = { ...times, check };
  if (step !== 'confirmer' || values.verifie !== times.startsAt) return { errors, review };
  if (check.breaches.length === 0) return { errors, review, confirmed: input };
  const reason = values.derogation.trim();
  if (!reason) {
    errors.derogation = 'Donnez le motif de la dérogation pour maintenir cette date, ou choisissez-en une autre.';
    return { errors, review };
  }
  return { errors, review, confirmed: { ...input, override: { reason } } };
}

const stepOf = (body: unknown) =>
  typeof body === 'object' && body !== null ? String((body as Record<string, unknown>).etape ?? '') : undefined;

/** What the meeting's page offers its reader now, and the confirmation of what they just did. */
export interface MeetingPageActions {
  /** Move or cancel it. */
  mayChange: boolean;
  /** Take attendance (from its start). */
  mayRecord: boolean;
  /** Send the relevé de décisions (once attendance is in). */
  maySendSummary: boolean;
  notice: string | null;
}

/** Who may manage the meeting ({@link mayManageMeeting}) and which of its steps it is open to now. */
export function meetingPageActions(
  meeting: Pick<MeetingPageRow, 'status' | 'startsAt' | 'instance'>,
  actor: Actor,
  done: string | undefined,
  now: Date,
): MeetingPageActions {
  const manages = mayManageMeeting(meeting.instance.kind as InstanceKind, actor);
  const open = (action: MeetingAction) => {
    try {
      assertMeetingAction(action, meeting.status as MeetingStatus, meeting.startsAt, now);
      return manages;
    } catch {
      return false;
    }
  };
  return {
    mayChange: open('cancel'),
    mayRecord: open('recordAttendance'),
    maySendSummary: open('sendDecisionSummary'),
    notice: doneNotice(done, MEETING_NOTICES),
  };
}

/** The convention's instances whose meetings `actor` may convene (the calendar links to the form when any). */
export async function instancesToConvene(store: Store, conventionId: string, actor: Actor) {
  const instances = await store.conventions.listInstances(conventionId);
  return instances.filter((i) => mayManageMeeting(i.kind as InstanceKind, actor));
}

/**
 * The attendance's issues (domain/meeting-rules.ts checkAttendance, against the members convened)
 * by the row they are about; a pouvoir given to no one is one too.
 */
function attendanceErrors(attendance: Attendance, rows: readonly AttendanceRow[]): Map<string, string> {
  const errors = new Map<string, string>();
  for (const { from, to } of attendance.proxies)
    if (!to) errors.set(from, 'Choisissez le membre présent qui porte son pouvoir.');
  if (errors.size) return errors;
  const about = (field: string): string | undefined => {
    const [list, index] = field.split('.') as [keyof Attendance, string];
    const entry = attendance[list]?.[Number(index)];
    return typeof entry === 'string' ? entry : entry?.from;
  };
  const members = rows.map((r) => r.email);
  for (const issue of checkAttendance(attendance, members)) {
    const email = about(issue.field);
    if (email && !errors.has(email)) errors.set(email, issue.message);
  }
  return errors;
}

/**
 * The pages that convene, move and cancel a meeting, on the use cases of `POST /api/meetings` and
 * of the meeting workflow's updates, with their schemas and their access rule.
 */
export function registerMeetingFormPages(scope: FastifyInstance, deps: MeetingFormPagesDependencies): void {
  const { store, viewerOf, now } = deps;

  /** The convention and the instances the reader may convene; refused when none. */
  async function conveneContext(request: FastifyRequest, named: string | undefined) {
    const convention = await store.conventions.resolve(named);
    const actor = await actorOf(request, store, convention.id);
    const [heading, instances] = await Promise.all([
      store.conventions.findHeading(convention.id),
      instancesToConvene(store, convention.id, actor),
    ]);
    // None: the rule's own refusal, in French.
    if (instances.length === 0) assertMayManageMeeting('cotech', actor, 'schedule');
    return { convention: { id: convention.id, ...heading }, actor, instances };
  }

  /** A meeting the reader may take `action` on now, with the reader as an actor. */
  async function changeableMeeting(request: FastifyRequest, id: string, action: MeetingAction) {
    const meeting = ID.test(id) ? await store.meetings.findForPage(id) : null;
    if (!meeting?.workflowId) throw notFound();
    const actor = await actorOf(request, store, meeting.conventionId);
    assertMayManageMeeting(meeting.instance.kind as InstanceKind, actor, action);
    assertMeetingAction(action, meeting.status as MeetingStatus, meeting.startsAt, now());
    return { meeting, workflowId: meeting.workflowId, actor };
  }

  route<{ Querystring: { convention?: string; instance?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/reunions/nouvelle',
      summary: 'The form that convenes a meeting (?convention=&instance=)',
      tag: 'pages',
      access: 'domain',
      success: FORM_PAGE,
    },
    async (request, reply) => {
      const context = await conveneContext(request, request.query.convention);
      const values = { ...readMeetingForm({}), instance: request.query.instance ?? '', debut: '14:00', fin: '16:00' };
      return sendAppPage(
        reply,
        200,
        conveneFormPage({ ...context, values, errors: {}, review: null }, viewerOf(request)),
      );
    },
  );

  route<{ Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/nouvelle',
      summary: 'Check a new meeting’s date (etape=verifier), then convene it (etape=confirmer), as POST /api/meetings',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 409, 422],
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const context = await conveneContext(request, typeof body.convention === 'string' ? body.convention : undefined);
      const values = readMeetingForm(body);
      const instance = context.instances.find((i) => i.slug === values.instance);
      const rules = instance ? await convocationRules(store, context.convention.id, instance.slug) : null;
      const { errors, review, confirmed } = reviewForm(values, stepOf(body), rules, now(), (times) => ({
        ...parseInput(newMeetingSchema, { instance: values.instance, title: values.title }),
        ...parseInput(meetingTimesSchema, { ...times, ...placeOf(values) }),
      }));
      if (!instance) errors.instance = 'Choisissez l’instance qui se réunit.';
      if (confirmed && instance) {
        const { meetingId } = await scheduleMeeting(deps, context.convention.id, confirmed, context.actor, {
          now: now(),
        });
        return toMeetingPage(reply, meetingId, 'convoquee');
      }
      const status = Object.keys(errors).length ? 422 : 200;
      return sendAppPage(reply, status, conveneFormPage({ ...context, values, errors, review }, viewerOf(request)));
    },
  );

  route<{ Params: { id: string } }>(
    scope,
    {
      method: 'GET',
      url: '/reunions/:id/deplacer',
      summary: 'The form that moves a meeting',
      tag: 'pages',
      access: 'domain',
      success: FORM_PAGE,
      errors: [403, 404, 409],
    },
    async (request, reply) => {
      const { meeting } = await changeableMeeting(request, request.params.id, 'reschedule');
      const { zone } = await convocationRules(store, meeting.conventionId, meeting.instance.slug);
      const values = meetingFormValues(meeting, zone);
      return sendAppPage(reply, 200, moveFormPage({ meeting, values, errors: {}, review: null }, viewerOf(request)));
    },
  );

  route<{ Params: { id: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/deplacer',
      summary: 'Check a meeting’s new date (etape=verifier), then move it (etape=confirmer), as its reschedule step',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const { meeting, workflowId, actor } = await changeableMeeting(request, request.params.id, 'reschedule');
      const values = readMeetingForm(request.body);
      const rules = await convocationRules(store, meeting.conventionId, meeting.instance.slug);
      const reason = values.motif.trim();
      const { errors, review, confirmed } = reviewForm(values, stepOf(request.body), rules, now(), (times) =>
        parseInput(rescheduleSchema, { actor, ...times, ...placeOf(values), ...(reason ? { reason } : {}) }),
      );
      if (confirmed) {
        await deps.client.workflow.getHandle(workflowId).executeUpdate(rescheduleUpdate, { args: [confirmed] });
        return toMeetingPage(reply, meeting.id, 'deplacee');
      }
      const status = Object.keys(errors).length ? 422 : 200;
      return sendAppPage(reply, status, moveFormPage({ meeting, values, errors, review }, viewerOf(request)));
    },
  );

  route<{ Params: { id: string } }>(
    scope,
    {
      method: 'GET',
      url: '/reunions/:id/annuler',
      summary: 'The form that cancels a meeting',
      tag: 'pages',
      access: 'domain',
      success: FORM_PAGE,
      errors: [403, 404, 409],
    },
    async (request, reply) => {
      const { meeting } = await changeableMeeting(request, request.params.id, 'cancel');
      return sendAppPage(
        reply,
        200,
        cancelFormPage({ meeting, values: readMeetingForm({}), errors: {} }, viewerOf(request)),
      );
    },
  );

  route<{ Params: { id: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/annuler',
      summary: 'Cancel a meeting with its reason (field `motif`), as its cancel step',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const { meeting, workflowId, actor } = await changeableMeeting(request, request.params.id, 'cancel');
      const values = readMeetingForm(request.body);
      const errors: FieldErrors = {};
      const input = parsed(() => parseInput(cancelSchema, { actor, reason: values.motif.trim() }), errors);
      if (input) {
        await deps.client.workflow.getHandle(workflowId).executeUpdate(cancelUpdate, { args: [input] });
        return toMeetingPage(reply, meeting.id, 'annulee');
      }
      return sendAppPage(reply, 422, cancelFormPage({ meeting, values, errors }, viewerOf(request)));
    },
  );

  route<{ Params: { id: string } }>(
    scope,
    {
      method: 'GET',
      url: '/reunions/:id/presences',
      summary: 'The secretary’s attendance form, with the quorum',
      tag: 'pages',
      access: 'domain',
      success: FORM_PAGE,
      errors: [403, 404, 409],
    },
    async (request, reply) => {
      const { meeting } = await changeableMeeting(request, request.params.id, 'recordAttendance');
      const form = { meeting, rows: storedRows(meeting), errors: new Map<string, string>() };
      return sendAppPage(reply, 200, attendancePage(form, viewerOf(request)));
    },
  );

  route<{ Params: { id: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/presences',
      summary: 'Record attendance (fields membre-i, statut-i, pouvoir-i), as the meeting’s attendance step',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const { meeting, workflowId, actor } = await changeableMeeting(request, request.params.id, 'recordAttendance');
      const rows = postedRows(meeting, request.body);
      const attendance = attendanceOf(rows);
      const errors = attendanceErrors(attendance, rows);
      if (errors.size === 0) {
        const input = parseInput(attendanceSchema, { actor, ...attendance });
        await deps.client.workflow.getHandle(workflowId).executeUpdate(recordAttendanceUpdate, { args: [input] });
        return toMeetingPage(reply, meeting.id, 'presences');
      }
      return sendAppPage(reply, 422, attendancePage({ meeting, rows, errors }, viewerOf(request)));
    },
  );

  route<{ Params: { id: string } }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/releve',
      summary: 'Send the relevé de décisions to the members, as the meeting’s decision-summary step',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409],
    },
    async (request, reply) => {
      const { meeting, workflowId, actor } = await changeableMeeting(request, request.params.id, 'sendDecisionSummary');
      await deps.client.workflow.getHandle(workflowId).executeUpdate(sendDecisionSummaryUpdate, { args: [{ actor }] });
      return toMeetingPage(reply, meeting.id, 'releve');
    },
  );
}

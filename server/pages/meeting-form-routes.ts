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
import type { InstanceListItem } from '../../store/conventions/list-instances.js';
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
import { ID } from './page-lookup.js';
import { sendAppPage, type PageViewer } from './layout.js';
import { parseFreeItems, readFreeItemRows } from './meeting-agenda.js';
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

/** After a step: back to the meeting's page (or its séance's), which confirms it (post/redirect/get). */
export const toMeetingPage = (
  reply: FastifyReply,
  meetingId: string,
  done: keyof typeof MEETING_NOTICES,
  page: '' | '/seance' = '',
) => redirectDone(reply, `/reunions/${meetingId}${page}`, done);
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

/**
 * Runs a parse; its field issues become the form's errors (the first per field), each under the form
 * field `fields` maps its path to; an issue of another path, or another error, is thrown.
 */
export function parsed<T, Name extends string = keyof MeetingFormValues>(
  parse: () => T,
  errors: Partial<Record<Name, string>>,
  fields: Readonly<Record<string, Name>> = FORM_FIELD as Readonly<Record<string, Name>>,
  codes: readonly string[] = ['INVALID_INPUT'],
): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof DomainError) || !codes.includes(error.code)) throw error;
    const issues = error.issues ?? [{ field: error.field ?? '', message: error.message }];
    for (const issue of issues) {
      const name = fields[issue.field];
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

/** A form posted from the séance's page goes back to it (field `retour`). */
const backTo = (body: unknown): 'seance' | undefined =>
  typeof body === 'object' && body !== null && (body as Record<string, unknown>).retour === 'seance'
    ? 'seance'
    : undefined;

const stepOf = (body: unknown) =>
  typeof body === 'object' && body !== null ? String((body as Record<string, unknown>).etape ?? '') : undefined;

/** What the meeting's page offers its reader now, and the confirmation of what they just did. */
export interface MeetingPageActions {
  /** Move or cancel it. */
  mayChange: boolean;
  /** Add and order its ordre du jour's items (before it). */
  mayEditAgenda: boolean;
  /** Take attendance (from its start). */
  mayRecord: boolean;
  /** Send the relevé de décisions (once attendance is in). */
  maySendSummary: boolean;
  /** Upload the compte rendu (once attendance is in). */
  mayFileMinutes: boolean;
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
    mayEditAgenda: open('editAgenda'),
    mayRecord: open('recordAttendance'),
    maySendSummary: open('sendDecisionSummary'),
    mayFileMinutes: open('fileMinutes'),
    notice: doneNotice(done, MEETING_NOTICES),
  };
}

/** A meeting the reader may take `action` on now, with the reader as an actor. */
export async function manageableMeeting(
  { store, now }: { store: Store; now: () => Date },
  request: FastifyRequest,
  id: string,
  action: MeetingAction,
) {
  const meeting = ID.test(id) ? await store.meetings.findForPage(id) : null;
  if (!meeting?.workflowId) throw notFound();
  const actor = await actorOf(request, store, meeting.conventionId);
  assertMayManageMeeting(meeting.instance.kind as InstanceKind, actor, action);
  assertMeetingAction(action, meeting.status as MeetingStatus, meeting.startsAt, now());
  return { meeting, workflowId: meeting.workflowId, actor };
}

/** The convention's instances whose meetings `actor` may convene (the calendar links to the form when any). */
export async function instancesToConvene(store: Store, conventionId: string, actor: Actor) {
  const instances = await store.conventions.listInstances(conventionId);
  return instances.filter((i) => mayManageMeeting(i.kind as InstanceKind, actor));
}

/**
 * What a form about an instance's meetings starts from: the convention (named, else the reader's
 * only one), the reader as its actor, and the instances `mayAct` lists for them; none, and `refuse`
 * throws the rule's own refusal, in French.
 */
export async function instanceFormContext(
  store: Store,
  request: FastifyRequest,
  named: string | undefined,
  mayAct: (store: Store, conventionId: string, actor: Actor) => Promise<InstanceListItem[]>,
  refuse: (actor: Actor) => void,
) {
  const convention = await store.conventions.resolve(named);
  const actor = await actorOf(request, store, convention.id);
  const [heading, instances] = await Promise.all([
    store.conventions.findHeading(convention.id),
    mayAct(store, convention.id, actor),
  ]);
  if (instances.length === 0) refuse(actor);
  return { convention: { id: convention.id, ...heading }, actor, instances };
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
  const conveneContext = (request: FastifyRequest, named: string | undefined) =>
    instanceFormContext(store, request, named, instancesToConvene, (actor) =>
      assertMayManageMeeting('cotech', actor, 'schedule'),
    );

  const changeableMeeting = (request: FastifyRequest, id: string, action: MeetingAction) =>
    manageableMeeting({ store, now }, request, id, action);

  /** The fiches waiting for the instance chosen, if one is. */
  const dueFor = async (conventionId: string, instance: { kind: string } | undefined) =>
    instance ? store.meetings.listFichesDue({ conventionId, instanceKind: instance.kind }) : null;

  route<{ Querystring: { convention?: string; instance?: string; date?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/reunions/nouvelle',
      summary: 'The form that convenes a meeting (?convention=&instance=&date=AAAA-MM-JJ, prefilled)',
      tag: 'pages',
      access: 'domain',
      success: FORM_PAGE,
    },
    async (request, reply) => {
      const context = await conveneContext(request, request.query.convention);
      const { instance = '', date = '' } = request.query;
      const values = {
        ...readMeetingForm({}),
        instance,
        date: DAY.test(date) ? date : '',
        debut: '14:00',
        fin: '16:00',
      };
      const dueFiches = await dueFor(
        context.convention.id,
        context.instances.find((i) => i.slug === instance),
      );
      const form = { ...context, values, errors: {}, review: null, items: [], itemErrors: new Map(), dueFiches };
      return sendAppPage(reply, 200, conveneFormPage(form, viewerOf(request)));
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
        ...parseInput(meetingTimesSchema(), { ...times, ...placeOf(values) }),
      }));
      if (!instance) errors.instance = 'Choisissez l’instance qui se réunit.';
      const items = readFreeItemRows(body);
      const { items: agenda, errors: itemErrors } = parseFreeItems(items);
      if (confirmed && instance && itemErrors.size === 0) {
        const { meetingId } = await scheduleMeeting(
          deps,
          context.convention.id,
          { ...confirmed, agenda },
          context.actor,
          { now: now() },
        );
        return toMeetingPage(reply, meetingId, 'convoquee');
      }
      const status = Object.keys(errors).length || itemErrors.size ? 422 : 200;
      const dueFiches = await dueFor(context.convention.id, instance);
      const form = { ...context, values, errors, review, items, itemErrors, dueFiches };
      return sendAppPage(reply, status, conveneFormPage(form, viewerOf(request)));
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
        parseInput(rescheduleSchema(), { actor, ...times, ...placeOf(values), ...(reason ? { reason } : {}) }),
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
      const input = parsed(() => parseInput(cancelSchema(), { actor, reason: values.motif.trim() }), errors);
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
      const back = backTo(request.body);
      if (errors.size === 0) {
        const input = parseInput(attendanceSchema(), { actor, ...attendance });
        await deps.client.workflow.getHandle(workflowId).executeUpdate(recordAttendanceUpdate, { args: [input] });
        return toMeetingPage(reply, meeting.id, 'presences', back ? '/seance' : '');
      }
      const form = { meeting, rows, errors, ...(back ? { back } : {}) };
      return sendAppPage(reply, 422, attendancePage(form, viewerOf(request)));
    },
  );

  route<{ Params: { id: string }; Body: Record<string, unknown> }>(
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
      return toMeetingPage(reply, meeting.id, 'releve', backTo(request.body) ? '/seance' : '');
    },
  );
}

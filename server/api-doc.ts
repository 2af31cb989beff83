/**
 * What each route of the HTTP API is, for its OpenAPI document (./openapi.ts): a summary, who may
 * call it, the zod schema its body is parsed with (the same object the route uses, so the document
 * cannot drift from the checks), and what it answers. Keyed by Fastify's `METHOD url`; a route
 * registered without an entry here fails the OpenAPI test.
 */
import { z } from 'zod';
import { prolongationSchema } from '../domain/convention-cycle.js';
import { conventionSetupSchema } from '../domain/convention-setup.js';
import { contentEditSchema } from '../domain/fiche-content.js';
import { newFicheSchema } from '../domain/fiche.js';
import { actionSchemas, actorOnlySchema } from '../domain/lifecycle/action-schemas.js';
import { ACTION_KINDS } from '../domain/lifecycle/vocabulary.js';
import {
  attendanceSchema,
  cancelSchema,
  meetingTimesSchema,
  minutesSchema,
  rescheduleSchema,
} from '../domain/meeting-input.js';
import { ruleSchema } from '../domain/meeting-recurrence.js';
import { chooseSchema, newPollSchema } from '../domain/poll-input.js';
import { isoDate } from '../domain/validation.js';
import { newApiTokenSchema } from './api-tokens.js';
import { newMeetingSchema } from './meetings.js';
import { signInSchema } from './sign-in.js';

/**
 * Who may call a route: `public` anyone; `link` whoever holds the signed link or tokenised
 * address in it; `signed-in` anyone signed in; `convention` a person of the convention concerned;
 * `domain` a person of the convention, then the domain rules of the step (role, stage, moment);
 * `steward` the convention's coopérateurs and the admins; `admin` the admins.
 */
export const ACCESS_LEVELS = ['public', 'link', 'signed-in', 'convention', 'domain', 'steward', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/** A JSON body: the route's schema; `omit` lists the fields the server sets itself (the actor, the action's kind). */
export interface BodyDoc {
  /** Several: the body must satisfy them all. None: not JSON (see `contentType`). */
  schema?: z.ZodType | readonly z.ZodType[];
  omit?: readonly string[];
  contentType?: string;
  description?: string;
}

/** One operation. `variants`: a route whose last path parameter picks the step becomes one path per value. */
export interface OperationDoc {
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  body?: BodyDoc;
  /** Success status and what it answers (`contentType` default application/json). */
  success: { status: number; description: string; contentType?: string };
  /** Client errors it may answer besides those of its access level (401/403) and bad input (400). */
  errors?: readonly number[];
  variants?: { param: string; bodies: Record<string, BodyDoc | undefined> };
}

const SERVER_SET = ['actor', 'kind'] as const;
const action = (schema: z.ZodType): BodyDoc => ({ schema, omit: SERVER_SET });

export const API_DOC: Record<string, OperationDoc> = {
  'GET /healthz': {
    summary: 'Health of Temporal and the database (503 naming what is down)',
    tag: 'système',
    access: 'public',
    success: { status: 200, description: '{ temporal, database }: "ok" or "down: …"' },
  },
  'GET /api/openapi.json': {
    summary: 'This document',
    tag: 'système',
    access: 'public',
    success: { status: 200, description: 'OpenAPI 3.1' },
  },

  'POST /auth/sign-in': {
    summary: 'Mail a single-use sign-in link (same answer whether the address is known or not)',
    tag: 'accès',
    access: 'public',
    body: {
      schema: signInSchema,
      description: 'JSON, or a form (application/x-www-form-urlencoded), which gets an HTML page',
    },
    success: { status: 202, description: '{ message }' },
  },
  'GET /auth/link/:token': {
    summary: 'The page a sign-in link opens: a button that confirms',
    tag: 'accès',
    access: 'link',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [409, 410],
  },
  'POST /auth/link/:token': {
    summary: 'Consume the sign-in link and set the session cookie',
    tag: 'accès',
    access: 'link',
    success: { status: 303, description: 'Signed in: Set-Cookie concerto_session, redirect to /' },
    errors: [404, 409, 410],
  },
  'POST /auth/sign-out': {
    summary: 'End the session (its row is deleted)',
    tag: 'accès',
    access: 'public',
    success: { status: 204, description: 'Signed out' },
    errors: [403],
  },
  'GET /auth/session': {
    summary: 'Who is signed in, and the CSRF token of a browser session',
    tag: 'accès',
    access: 'signed-in',
    success: { status: 200, description: '{ viewer, csrfToken }' },
  },
  'POST /api/tokens': {
    summary: 'Create an API token for oneself (shown once)',
    tag: 'accès',
    access: 'signed-in',
    body: { schema: newApiTokenSchema },
    success: { status: 201, description: '{ id, token, label, createdAt, expiresAt, lastUsedAt }' },
  },
  'GET /api/tokens': {
    summary: 'One’s API tokens (never their secret)',
    tag: 'accès',
    access: 'signed-in',
    success: { status: 200, description: '{ tokens }' },
  },
  'DELETE /api/tokens/:id': {
    summary: 'Revoke one of one’s API tokens',
    tag: 'accès',
    access: 'signed-in',
    success: { status: 204, description: 'Revoked' },
    errors: [404],
  },

  'GET /api/conventions': {
    summary: 'The conventions',
    tag: 'conventions',
    access: 'signed-in',
    success: { status: 200, description: '{ conventions }' },
  },
  'GET /api/conventions/:slug/setup': {
    summary: 'Export the convention’s whole setup (JSON file)',
    tag: 'conventions',
    access: 'steward',
    success: { status: 200, description: 'The setup' },
    errors: [404],
  },
  'PUT /api/conventions/setup': {
    summary: 'Import a whole setup: all or nothing, every problem listed',
    tag: 'conventions',
    access: 'admin',
    body: { schema: conventionSetupSchema },
    success: {
      status: 200,
      description:
        '{ imported }; with Accept: application/x-ndjson, its progress as NDJSON lines { progress: { done, total, step } }, then { done: { imported } }',
    },
    errors: [422],
  },
  'POST /api/demo': {
    summary: 'Load the demo convention (the Mellois en Poitou CTG); loading it again changes nothing',
    tag: 'conventions',
    access: 'admin',
    success: {
      status: 200,
      description:
        '{ slug, created, updated, unchanged, removed }; with Accept: application/x-ndjson, its progress as NDJSON lines, then { done: … }',
    },
  },
  'GET /api/conventions/:slug/calendar.ics': {
    summary: 'The convention’s meetings as iCalendar, as its subscription feed shows them',
    tag: 'agendas',
    access: 'convention',
    success: { status: 200, description: 'iCalendar', contentType: 'text/calendar' },
    errors: [404],
  },
  'GET /api/conventions/:slug/members.csv': {
    summary: 'Export the members (CSV)',
    tag: 'conventions',
    access: 'steward',
    success: { status: 200, description: 'CSV file', contentType: 'text/csv' },
    errors: [404],
  },
  'POST /api/conventions/:slug/members.csv': {
    summary: 'Import the members (CSV: email;nom;fonction;structure;instance;role;siege;represente)',
    tag: 'conventions',
    access: 'admin',
    body: { contentType: 'text/csv', description: 'The CSV file, as spreadsheets save it' },
    success: { status: 200, description: '{ imported }' },
    errors: [404, 415, 422],
  },

  'POST /api/fiches': {
    summary: 'Create a fiche action (starts its workflow, as a brouillon)',
    tag: 'fiches',
    access: 'convention',
    body: { schema: newFicheSchema, description: 'With `convention` (its slug) when there are several' },
    success: { status: 201, description: '{ ficheId, workflowId }' },
  },
  'GET /api/fiches': {
    summary:
      'The convention’s fiches, by code, with their latest title and pilot (`?convention=` its slug when there are several, `?status=` one stage)',
    tag: 'fiches',
    access: 'convention',
    success: { status: 200, description: '{ fiches }' },
  },
  'GET /api/fiches/:id/versions': {
    summary: 'A fiche’s versions: each one’s content and what it changed from the one before',
    tag: 'fiches',
    access: 'convention',
    success: { status: 200, description: '{ versions }' },
    errors: [404],
  },
  'PATCH /api/fiches/:id/content': {
    summary: 'Write the draft (of a new fiche, or of an amendment): any of its fields; refused once under review',
    tag: 'fiches',
    access: 'domain',
    body: { schema: contentEditSchema },
    success: { status: 200, description: 'The fiche state, with the edit in `edits`' },
    errors: [404, 409],
  },
  'GET /api/fiches/:id': {
    summary: 'A fiche’s state: stage, pending step, agenda, deadlines, history',
    tag: 'fiches',
    access: 'convention',
    success: { status: 200, description: 'The fiche state' },
    errors: [404],
  },
  'POST /api/fiches/:id/actions/:kind': {
    summary: 'Take a step of the fiche’s lifecycle, as the person signed in',
    tag: 'fiches',
    access: 'domain',
    success: { status: 200, description: 'The fiche state after the step' },
    errors: [404, 409, 422],
    variants: {
      param: 'kind',
      bodies: Object.fromEntries(ACTION_KINDS.map((kind) => [kind, action(actionSchemas[kind])])),
    },
  },

  'POST /api/meetings': {
    summary: 'Schedule a meeting (starts its workflow: convocation, reminders)',
    tag: 'réunions',
    access: 'domain',
    body: { schema: [newMeetingSchema, meetingTimesSchema] },
    success: { status: 201, description: '{ meetingId, workflowId }' },
    errors: [422],
  },
  'GET /api/meetings/:id': {
    summary: 'A meeting: agenda, invitations and their answers',
    tag: 'réunions',
    access: 'convention',
    success: { status: 200, description: 'The meeting' },
    errors: [404],
  },
  'POST /api/meetings/:id/:step': {
    summary: 'A step of the meeting',
    tag: 'réunions',
    access: 'domain',
    success: { status: 200, description: 'The meeting workflow’s answer' },
    errors: [404, 409, 422],
    variants: {
      param: 'step',
      bodies: {
        reschedule: action(rescheduleSchema),
        cancel: action(cancelSchema),
        attendance: action(attendanceSchema),
        'decision-summary': action(actorOnlySchema),
        minutes: action(minutesSchema),
      },
    },
  },

  'POST /api/polls': {
    summary: 'Start a date poll (invitations, reminders, the choice)',
    tag: 'sondages',
    access: 'domain',
    body: { schema: newPollSchema },
    success: { status: 201, description: '{ pollId, workflowId, options, warnings }' },
    errors: [422],
  },
  'GET /api/polls/:id': {
    summary: 'A poll: counts per date, volunteers, who has not answered',
    tag: 'sondages',
    access: 'convention',
    success: { status: 200, description: 'The poll' },
    errors: [404],
  },
  'POST /api/polls/:id/:step': {
    summary: 'The organiser’s steps: close early, or choose among tied dates',
    tag: 'sondages',
    access: 'domain',
    success: { status: 200, description: 'The poll workflow’s answer' },
    errors: [404, 409],
    variants: { param: 'step', bodies: { close: action(actorOnlySchema), choose: action(chooseSchema) } },
  },

  'GET /api/conventions/:slug/calendar': {
    summary: 'The annual calendar: meetings planned and created, milestones',
    tag: 'calendrier',
    access: 'convention',
    success: { status: 200, description: 'The calendar state' },
    errors: [404],
  },
  'GET /api/conventions/:slug/calendar/rules': {
    summary: 'The rules of recurring meetings as stored, whether the calendar runs yet or not',
    tag: 'calendrier',
    access: 'convention',
    success: { status: 200, description: '{ rules }' },
    errors: [404],
  },
  'GET /api/conventions/:slug/cycle': {
    summary:
      'The convention’s cycle: evaluation campaigns (who answered, who is pending), the COPIL’s reviews, amendments',
    tag: 'convention',
    access: 'convention',
    success: { status: 200, description: 'The cycle state' },
    errors: [404],
  },
  'POST /api/conventions/:slug/cycle': {
    summary: 'Start the convention’s cycle (201; 200 when it runs already)',
    tag: 'convention',
    access: 'steward',
    success: { status: 201, description: '{ workflowId, started }' },
  },
  'POST /api/conventions/:slug/amendments': {
    summary: 'Prolong the convention by amendment: a later end date and a motif; the calendar and the cycle go on',
    tag: 'convention',
    access: 'steward',
    body: { schema: prolongationSchema },
    success: { status: 201, description: '{ amendment, endDate, cycle }' },
    errors: [404, 409],
  },
  'POST /api/conventions/:slug/polls/start': {
    summary:
      'Start the date polls of the convention’s setup whose workflow has not started: each one started, already started or refused (with why)',
    tag: 'sondages',
    access: 'steward',
    success: { status: 200, description: '{ polls }' },
  },
  'PUT /api/conventions/:slug/calendar/rules': {
    summary: 'Set the rules of recurring meetings (the first time starts the calendar)',
    tag: 'calendrier',
    access: 'domain',
    body: { schema: z.object({ rules: z.array(ruleSchema) }) },
    success: { status: 200, description: 'The calendar state (201 when this starts it)' },
    errors: [404],
  },
  'POST /api/conventions/:slug/calendar/milestones/:key/move': {
    summary: 'Move a milestone',
    tag: 'calendrier',
    access: 'domain',
    body: { schema: z.object({ startDate: isoDate() }) },
    success: { status: 200, description: 'The calendar state' },
    errors: [404],
  },

  'GET /api/outbox': {
    summary: 'The mails the embedded catcher holds',
    tag: 'courriel',
    access: 'admin',
    success: { status: 200, description: '{ messages }' },
    errors: [404],
  },
  'GET /api/outbox/:file': {
    summary: 'One caught mail as a .eml file',
    tag: 'courriel',
    access: 'admin',
    success: { status: 200, description: 'The message', contentType: 'message/rfc822' },
    errors: [404],
  },

  'GET /rsvp/:token': {
    summary: 'The page an invitation’s answer link opens (asks to confirm)',
    tag: 'liens signés',
    access: 'link',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [404, 409, 410],
  },
  'POST /rsvp/:token': {
    summary: 'Record the answer the link gives',
    tag: 'liens signés',
    access: 'link',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [404, 409, 410],
  },
  'GET /vote/:token': {
    summary: 'The voting page of a date poll',
    tag: 'liens signés',
    access: 'link',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [404, 409, 410],
  },
  'POST /vote/:token': {
    summary: 'Record a vote, or the organiser’s choice among tied dates',
    tag: 'liens signés',
    access: 'link',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [404, 409, 410],
  },
  'GET /feeds/people/:token.ics': {
    summary: 'A person’s calendar feed (tokenised address)',
    tag: 'agendas',
    access: 'link',
    success: { status: 200, description: 'iCalendar', contentType: 'text/calendar' },
    errors: [404, 410],
  },
  'GET /feeds/conventions/:slug.ics': {
    summary: 'A convention’s calendar feed (?token=)',
    tag: 'agendas',
    access: 'link',
    success: { status: 200, description: 'iCalendar', contentType: 'text/calendar' },
    errors: [404, 410],
  },
  'GET /feeds/conventions/:slug/instances/:instance.ics': {
    summary: 'An instance’s calendar feed (?token=)',
    tag: 'agendas',
    access: 'link',
    success: { status: 200, description: 'iCalendar', contentType: 'text/calendar' },
    errors: [404, 410],
  },
  'GET /conventions/:slug/retroplanning/:year.svg': {
    summary: 'The rétroplanning of a year as SVG (public: titles and days only)',
    tag: 'calendrier',
    access: 'public',
    success: { status: 200, description: 'SVG', contentType: 'image/svg+xml' },
    errors: [404],
  },
  'GET /conventions/:slug/retroplanning/:year.png': {
    summary: 'The rétroplanning of a year as PNG (public: titles and days only)',
    tag: 'calendrier',
    access: 'public',
    success: { status: 200, description: 'PNG', contentType: 'image/png' },
    errors: [404],
  },
  'GET /api/workflows': {
    summary: 'The most recent workflows, with their links in the Temporal Web UI',
    tag: 'processus',
    access: 'admin',
    success: { status: 200, description: '{ workflows }' },
  },
  'GET /api/workflows/:id/timeline': {
    summary: 'A workflow’s history as a French timeline (who, what, when; mails with their ledger lines)',
    tag: 'processus',
    access: 'admin',
    success: {
      status: 200,
      description: '{ workflowId, runId, type, label, status, startedAt, closedAt, temporalUiUrl, entries }',
    },
    errors: [404],
  },
  'GET /api/jobs/:id': {
    summary: 'Where a long piece of work started from the pages stands (demo loading)',
    tag: 'processus',
    access: 'admin',
    success: { status: 200, description: '{ id, label, status, done, total, step, message, startedAt }' },
    errors: [404],
  },
  'GET /connexion': {
    summary: 'The sign-in page (an address, a link by mail)',
    tag: 'pages',
    access: 'public',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  'GET /assets/progress.js': {
    summary: 'The script that keeps a progress page up to date',
    tag: 'pages',
    access: 'public',
    success: { status: 200, description: 'JavaScript', contentType: 'text/javascript' },
  },
  'GET /': {
    summary: 'The dashboard: fiches by stage, next meetings, deadlines (anonymous browsers: 303 to /connexion)',
    tag: 'pages',
    access: 'convention',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  'POST /fiches': {
    summary: 'Draft a fiche from the dashboard’s form (field `title`, `_csrf`)',
    tag: 'pages',
    access: 'convention',
    success: { status: 303, description: 'Redirect to the fiche’s page', contentType: 'text/html' },
  },
  'GET /fiches/:id': {
    summary: 'A fiche: content, versions’ changes, decisions, timeline',
    tag: 'pages',
    access: 'convention',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [404],
  },
  'POST /fiches/:id/soumettre': {
    summary: 'Submit the fiche (form with `_csrf`)',
    tag: 'pages',
    access: 'domain',
    success: { status: 303, description: 'Redirect to the fiche’s page', contentType: 'text/html' },
    errors: [404, 409],
  },
  'GET /reunions/:id': {
    summary: 'A meeting: agenda, answers, attendance, decisions',
    tag: 'pages',
    access: 'convention',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [404],
  },
  'GET /calendrier': {
    summary: 'A month of meetings and milestones (?mois=AAAA-MM), and the rétroplanning',
    tag: 'pages',
    access: 'convention',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  'GET /sondages': {
    summary: 'The date polls',
    tag: 'pages',
    access: 'convention',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  'GET /sondages/:id': {
    summary: 'A date poll: answers by date, who has not answered',
    tag: 'pages',
    access: 'convention',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [404],
  },
  'GET /boite-d-envoi': {
    summary: 'The embedded catcher’s mails',
    tag: 'pages',
    access: 'admin',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  'GET /admin/processus': {
    summary: 'The workflows, with links to their timelines and to the Temporal Web UI',
    tag: 'pages',
    access: 'admin',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  'GET /admin/processus/:id': {
    summary: 'A workflow’s French timeline',
    tag: 'pages',
    access: 'admin',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [404],
  },
  'GET /admin/journal': {
    summary: 'The audit log (?page=)',
    tag: 'pages',
    access: 'admin',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  'GET /admin/demo': {
    summary: 'The page that loads the demo convention',
    tag: 'pages',
    access: 'admin',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  'GET /admin/import': {
    summary: 'The page that imports a convention’s setup',
    tag: 'pages',
    access: 'admin',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
  },
  'POST /admin/import': {
    summary: 'Import the setup pasted in the form, in the background (all or nothing)',
    tag: 'pages',
    access: 'admin',
    body: {
      contentType: 'application/x-www-form-urlencoded',
      description: 'Form fields `setup` (the JSON text) and `_csrf`',
    },
    success: { status: 303, description: 'Redirect to its progress page', contentType: 'text/html' },
  },
  'POST /admin/demo': {
    summary: 'Load the demo convention in the background',
    tag: 'pages',
    access: 'admin',
    success: { status: 303, description: 'Redirect to its progress page', contentType: 'text/html' },
  },
  'GET /admin/taches/:id': {
    summary: 'A long piece of work’s progress page',
    tag: 'pages',
    access: 'admin',
    success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    errors: [404],
  },
};

import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkMeetingDate } from '../../domain/calendar-checks.js';
import { DomainError } from '../../domain/errors.js';
import { assertMayPlanCalendar } from '../../domain/meeting-recurrence.js';
import { parseDateKey } from '../../domain/paris-time.js';
import { parseZone } from '../../domain/school-holidays.js';
import { nonEmptyText, parseInput } from '../../domain/validation.js';
import { setCalendarRules } from '../../client/set-calendar-rules.js';
import { startConventionCycle } from '../../client/start-convention-cycle.js';
import type { Store } from '../../store/index.js';
import {
  calendarWorkflowId,
  calendarYearStateQuery,
  moveMilestoneUpdate,
} from '../../workflows/calendar-definitions.js';
import { HttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route } from '../route.js';
import { moveMilestonePage, rulesFormPage, rulesFormValues, rulesFromForm } from './calendar-forms.js';
import type { FormValues } from './fiche-content-form.js';
import { frenchDay } from './format.js';
import { sendAppPage, type PageViewer } from './layout.js';

/** Dependencies of {@link registerCalendarFormPages}. */
export interface CalendarFormPagesDependencies {
  client: Client;
  store: Store;
  taskQueue: string;
  viewerOf: (request: FastifyRequest) => PageViewer | null;
}

/** The confirmations the calendar page shows after a change (`?fait=`). */
export const CALENDAR_NOTICES = {
  regles: 'Les règles des réunions sont enregistrées : le calendrier de l’année est replanifié.',
  jalon: 'Le jalon est déplacé : son responsable reçoit ses rappels pour la nouvelle date.',
} as const satisfies Record<string, string>;

const FORM_PAGE = { status: 200, description: 'HTML page', contentType: 'text/html' } as const;
const POSTED = { status: 303, description: 'Redirect to the calendar, or the form again', contentType: 'text/html' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const reasonSchema = nonEmptyText(1000, {
  multiline: true,
  required: 'Dites pourquoi le jalon est déplacé : le motif est consigné dans son historique.',
});

/** A form's fields, strings only. */
const formValues = (body: unknown): FormValues =>
  Object.fromEntries(
    Object.entries(typeof body === 'object' && body !== null ? body : {}).filter(([, v]) => typeof v === 'string'),
  ) as FormValues;

const toCalendar = (slug: string, done: keyof typeof CALENDAR_NOTICES, month?: string) =>
  `/calendrier?convention=${encodeURIComponent(slug)}${month ? `&mois=${month}` : ''}&fait=${done}`;

/**
 * The calendar's forms: the rules of the recurring meetings (as PUT …/calendar/rules: the first
 * time starts the calendar and the convention's cycle) and moving a milestone (as POST
 * …/calendar/milestones/:key/move), for those who plan the calendar (domain/meeting-recurrence.ts).
 */
export function registerCalendarFormPages(scope: FastifyInstance, deps: CalendarFormPagesDependencies): void {
  const { store, viewerOf } = deps;

  /** The convention named (or the only one), with the reader as an actor who may plan its calendar. */
  async function planner(request: FastifyRequest, named: unknown) {
    const convention = await store.conventions.resolve(typeof named === 'string' ? named : undefined);
    const actor = await actorOf(request, store, convention.id);
    assertMayPlanCalendar(actor);
    const heading = await store.conventions.findHeading(convention.id);
    return { convention: { id: convention.id, ...heading }, actor };
  }

  route<{ Querystring: { convention?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/calendrier/regles',
      summary: 'The form of the rules of the recurring meetings (?convention=)',
      tag: 'pages',
      access: 'domain',
      success: FORM_PAGE,
      errors: [403, 404],
    },
    async (request, reply) => {
      const { convention } = await planner(request, request.query.convention);
      const [instances, rules] = await Promise.all([
        store.conventions.listInstances(convention.id),
        store.conventions.findMeetingRules(convention.id),
      ]);
      const state = { values: rulesFormValues(rules), errors: {} };
      return sendAppPage(reply, 200, rulesFormPage({ convention, instances, state }, viewerOf(request)));
    },
  );

  route<{ Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/calendrier/regles',
      summary: 'Set the rules of the recurring meetings, as PUT /api/conventions/:slug/calendar/rules',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 422],
    },
    async (request, reply) => {
      const { convention, actor } = await planner(request, request.body?.convention);
      const instances = await store.conventions.listInstances(convention.id);
      const values = formValues(request.body);
      const { rules, errors } = rulesFromForm(instances, values);
      let failure: string | undefined;
      if (Object.keys(errors).length === 0) {
        try {
          const result = await setCalendarRules(deps, convention.id, rules, actor);
          // The convention's cycle starts with its calendar, as through the API.
          if (result.started) await startConventionCycle(deps, convention.id);
          return reply.code(303).header('location', toCalendar(convention.slug, 'regles')).send();
        } catch (error) {
          if (!(error instanceof DomainError) || error.code !== 'INVALID_INPUT') throw error;
          failure = error.message;
        }
      }
      const state = { values, errors, ...(failure ? { failure } : {}) };
      return sendAppPage(reply, 422, rulesFormPage({ convention, instances, state }, viewerOf(request)));
    },
  );

  /** The milestone of that key in the calendar's year, as the calendar workflow holds it. */
  async function plannedMilestone(conventionId: string, key: string) {
    const state = await deps.client.workflow
      .getHandle(calendarWorkflowId(conventionId))
      .query(calendarYearStateQuery)
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        throw new HttpError(
          404,
          'NOT_FOUND',
          'Le calendrier de cette convention n’est pas encore lancé : enregistrez d’abord les règles de ses réunions.',
        );
      });
    const milestone = state.milestones.find((m) => m.key === key);
    if (!milestone)
      throw new HttpError(404, 'NOT_FOUND', `Aucun jalon « ${key.slice(0, 80)} » dans le calendrier ${state.year}.`);
    return { milestone, workflowId: calendarWorkflowId(conventionId) };
  }

  route<{ Params: { key: string }; Querystring: { convention?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/calendrier/jalons/:key/deplacer',
      summary: 'The form that moves a milestone (?convention=)',
      tag: 'pages',
      access: 'domain',
      success: FORM_PAGE,
      errors: [403, 404],
    },
    async (request, reply) => {
      const { convention } = await planner(request, request.query.convention);
      const { milestone } = await plannedMilestone(convention.id, request.params.key);
      const state = { values: { date: milestone.startDate }, errors: {} };
      return sendAppPage(
        reply,
        200,
        moveMilestonePage({ convention, milestone, state, review: null }, viewerOf(request)),
      );
    },
  );

  route<{ Params: { key: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/calendrier/jalons/:key/deplacer',
      summary: 'Check a milestone’s new day (etape=verifier), then move it with a reason (etape=confirmer)',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const { convention, actor } = await planner(request, request.body?.convention);
      const { milestone, workflowId } = await plannedMilestone(convention.id, request.params.key);
      const values = formValues(request.body);
      const errors: Record<string, string> = {};
      const day = (values.date ?? '').trim();
      let warnings: string[] | null = null;
      if (!DAY.test(day))
        errors.date = day
          ? `« ${day.slice(0, 20)} » n’est pas une date : écrivez-la jj/mm/aaaa.`
          : 'Indiquez la nouvelle date.';
      else {
        try {
          // The same check as a meeting's day: weekend and public holiday, the territory's school holidays.
          const { schoolZone } = await store.conventions.findSettings(convention.id);
          const check = checkMeetingDate(parseDateKey(day), parseZone(schoolZone));
          warnings = [
            ...(check.blocked ? [`Le ${frenchDay(day)} tombe un jour non ouvré (${check.blocked}).`] : []),
            ...check.warnings,
          ];
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          errors.date = error.message;
        }
      }
      let reason: string | undefined;
      try {
        reason = parseInput(reasonSchema, values.motif ?? '', { what: 'le motif' });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        errors.motif ??= error.message;
      }
      const review = warnings && !errors.date ? { day, warnings } : null;
      if (values.etape === 'confirmer' && values.verifie === day && review && reason && !Object.keys(errors).length) {
        await deps.client.workflow
          .getHandle(workflowId)
          .executeUpdate(moveMilestoneUpdate, { args: [{ actor, key: milestone.key, startDate: day, reason }] });
        return reply
          .code(303)
          .header('location', toCalendar(convention.slug, 'jalon', day.slice(0, 7)))
          .send();
      }
      // Checked, the reason still to give: not an error yet, unless they tried to confirm.
      if (values.etape !== 'confirmer' && review) delete errors.motif;
      const status = Object.keys(errors).length ? 422 : 200;
      const state = { values, errors };
      return sendAppPage(reply, status, moveMilestonePage({ convention, milestone, state, review }, viewerOf(request)));
    },
  );
}

import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { convocationRules } from '../../client/schedule-meeting.js';
import { checkPollDates, startPoll, type NewPoll } from '../../client/start-poll.js';
import { runPollStep, type PollStep } from '../../client/poll-steps.js';
import type { InstanceKind } from '../../domain/charter.js';
import { DomainError } from '../../domain/errors.js';
import { readInstant } from '../../domain/instant-input.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import type { InstanceMeetingRule } from '../../domain/meeting-recurrence.js';
import { dateKey, toLocal } from '../../domain/paris-time.js';
import { newPollSchema } from '../../domain/poll-input.js';
import { assertMayManagePoll, mayManagePoll, optionLabel, optionTimes } from '../../domain/poll-rules.js';
import { suggestedDeadline, suggestPollDates } from '../../domain/poll-suggestions.js';
import { parseInput } from '../../domain/validation.js';
import type { Store } from '../../store/index.js';
import type { PollView } from '../../store/polls/find-poll.js';
import { pollStateQuery } from '../../workflows/poll-definitions.js';
import { toHttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route } from '../route.js';
import { sendAppPage } from './layout.js';
import { instanceFormContext, parsed, type MeetingFormPagesDependencies } from './meeting-form-routes.js';
import { ID, notFound } from './page-lookup.js';
import { OTHER_DATES, pollFormPage, type PollForm, type PollFormErrors, type PollFormValues } from './poll-form.js';
import { pollPage, type PollPageActions } from './poll-pages.js';

/** Dependencies of {@link registerPollFormPages}: those of the meeting forms. */
export type PollFormPagesDependencies = MeetingFormPagesDependencies;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const KEY = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})-(\d{2}:\d{2})$/;
const HTML = { status: 200, description: 'HTML page', contentType: 'text/html' } as const;

/** The confirmations the poll's page shows after a step (`?fait=`), in French. */
export const POLL_NOTICES = {
  lance: 'Le sondage est lancé : les participants reçoivent leur lien de réponse dans quelques instants.',
  departage: 'Le sondage est clos : des dates sont à égalité, choisissez celle de la réunion ci-dessous.',
  choisie: 'La date est retenue : la réunion est créée et la convocation part aux participants.',
} as const satisfies Record<string, string>;

/** The instances of the convention whose polls `actor` may run (the poll list links to the form when any). */
export async function instancesToPoll(store: Store, conventionId: string, actor: Actor) {
  const instances = await store.conventions.listInstances(conventionId);
  return instances.filter((i) => mayManagePoll(i.kind as InstanceKind, actor));
}

/** What the suggestions take of the instance's calendar rule, as the form says it: « le mardi, à 14 h 00 ». */
function ruleText(rule: InstanceMeetingRule | null): string | null {
  return rule ? `le ${rule.weekday}, à ${rule.time.replace(':', ' h ')}` : null;
}

/**
 * A poll as its page shows it, and what the page offers its reader now with the confirmation of
 * what they just did. While its workflow runs, its state is the workflow's (the store follows a
 * moment later: a tie is put before it is recorded), as GET /api/polls/:id answers it.
 */
export async function pollPageView(
  deps: { client: Client; store: Store },
  stored: PollView,
  actor: Actor,
  done: string | undefined,
): Promise<{ poll: PollView; actions: PollPageActions }> {
  const state =
    stored.workflowId && stored.status !== 'clos'
      ? await deps.client.workflow
          .getHandle(stored.workflowId)
          .query(pollStateQuery)
          .catch(() => null)
      : null;
  const poll: PollView = state
    ? {
        ...stored,
        status: state.status,
        chosenOptionId: state.chosenOptionId ?? stored.chosenOptionId,
        meetingId: state.meetingId ?? stored.meetingId,
      }
    : stored;
  const instance = poll.instance
    ? await deps.store.conventions.findInstance(poll.conventionId, poll.instance.slug)
    : null;
  let refusal: string | null = null;
  try {
    if (!instance)
      throw new DomainError('WRONG_STAGE', 'Ce sondage ne nomme aucune instance : il se clôt à sa date limite.');
    const action = poll.status === 'departage' ? 'choose' : 'close';
    assertMayManagePoll(instance.kind as InstanceKind, actor, action, poll.organizerEmail);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    refusal = error.message;
  }
  const open = poll.status !== 'clos' && poll.workflowId !== null;
  const tied = open && refusal === null && poll.status === 'departage' ? (state?.tied ?? []) : [];
  const actions = {
    refusal: open ? refusal : null,
    mayClose: open && poll.status === 'ouvert' && refusal === null,
    tied: poll.options.filter((o) => tied.includes(o.id)),
    notice:
      done !== undefined && Object.hasOwn(POLL_NOTICES, done) ? POLL_NOTICES[done as keyof typeof POLL_NOTICES] : null,
    error: null,
  };
  return { poll, actions };
}

/** What a new poll of an instance is checked against, and whom it asks by default. */
async function instanceFacts(store: Store, conventionId: string, slug: string, now: Date) {
  const [rules, settings, stored, everyone] = await Promise.all([
    convocationRules(store, conventionId, slug),
    store.conventions.findSettings(conventionId),
    store.conventions.findMeetingRules(conventionId),
    store.conventions.listInstanceMembers({ conventionId }),
  ]);
  const { delayDays, schoolZone } = rules.dateOf(now, now);
  const rule = stored.find((r) => r.instance === slug) ?? null;
  const members = [...new Set(rules.instance.members.map((e) => e.toLowerCase()))].sort();
  // Whom else the poll may ask: a poll mails everyone it asks, so only people of the convention (see pollInvitees).
  const conventionMembers = new Set(everyone);
  return {
    instance: rules.instance,
    zone: rules.zone,
    delayDays,
    schoolZone,
    rule,
    members,
    conventionMembers,
    settings,
  };
}
type InstanceFacts = Awaited<ReturnType<typeof instanceFacts>>;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The posted fields, strings only, by form name (the CSRF token left out). */
function readPollForm(body: unknown): PollFormValues {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(fields).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && /^[a-z][a-z0-9-]{0,39}$/.test(entry[0]),
    ),
  );
}

/** The form as it first shows: the suggested deadline, every member ticked. */
function initialValues(facts: InstanceFacts, now: Date): PollFormValues {
  const deadline = toLocal(suggestedDeadline(now, facts.zone), facts.zone);
  return {
    echeance: dateKey(deadline),
    'echeance-heure': `${pad2(deadline.hour)}:${pad2(deadline.minute)}`,
    ...Object.fromEntries(facts.members.map((email, i) => [`participant-${i}`, email])),
  };
}

/** The deadline typed, read on the convention's clocks; its errors beside its fields. */
function readDeadline(values: PollFormValues, zone: string, errors: PollFormErrors): Date | undefined {
  const day = (values.echeance ?? '').trim();
  const time = (values['echeance-heure'] ?? '').trim();
  if (!DAY.test(day)) errors.echeance = day ? `« ${day.slice(0, 20)} » n’est pas un jour.` : 'Indiquez le jour.';
  if (!TIME.test(time)) errors['echeance-heure'] = 'Indiquez l’heure, par exemple 12:00.';
  if (errors.echeance || errors['echeance-heure']) return undefined;
  const reading = readInstant(`${day}T${time}`, 'Date limite de réponse', zone);
  if (!reading.ok) errors.echeance = reading.message;
  return reading.ok ? reading.instant : undefined;
}

/** The dates ticked and typed, each with the form field its errors go beside. */
function proposedDates(values: PollFormValues, errors: PollFormErrors) {
  const dates: Array<{ field: string; option: { kind: 'creneau'; date: string; start: string; end: string } }> = [];
  for (const [name, value] of Object.entries(values)) {
    const match = /^date-\d+$/.test(name) ? KEY.exec(value) : null;
    if (match)
      dates.push({ field: name, option: { kind: 'creneau', date: match[1]!, start: match[2]!, end: match[3]! } });
  }
  for (let i = 0; i < OTHER_DATES; i += 1) {
    const at = (part: string) => `autre-${i}-${part}`;
    const [date, start, end] = ['date', 'debut', 'fin'].map((part) => (values[at(part)] ?? '').trim()) as [
      string,
      string,
      string,
    ];
    if (!date && !start && !end) continue;
    if (!DAY.test(date)) errors[at('date')] = 'Indiquez le jour de cette date.';
    if (!TIME.test(start)) errors[at('debut')] = 'Indiquez l’heure de début, par exemple 14:00.';
    if (!TIME.test(end)) errors[at('fin')] = 'Indiquez l’heure de fin, par exemple 16:00.';
    if (DAY.test(date) && TIME.test(start) && TIME.test(end))
      dates.push({ field: at('date'), option: { kind: 'creneau', date, start, end } });
  }
  return dates;
}

/**
 * The form checked as the poll's start will check it (the API's schema, then client/start-poll.ts's
 * checkPollDates): its errors by field, the suggestions for the deadline typed, and once nothing is
 * wrong the poll ready to start with its dates' warnings.
 */
function reviewPollForm(values: PollFormValues, facts: InstanceFacts, now: Date) {
  const errors: PollFormErrors = {};
  const deadline = readDeadline(values, facts.zone, errors);
  const suggestions = suggestPollDates({
    deadline: deadline ?? suggestedDeadline(now, facts.zone),
    delayDays: facts.delayDays,
    zone: facts.zone,
    schoolZone: facts.schoolZone,
    rule: facts.rule,
  });
  const dates = proposedDates(values, errors);
  if (dates.length < 2) errors.dates = 'Cochez ou indiquez au moins deux dates.';
  const others = (values['autres-participants'] ?? '')
    .split(/[\s,;]+/)
    .map((email) => email.toLowerCase())
    .filter(Boolean);
  const strangers = others.filter((email) => !facts.conventionMembers.has(email));
  if (strangers.length)
    errors['autres-participants'] =
      `${strangers.length > 1 ? 'Ces adresses ne sont' : 'Cette adresse n’est'} d’aucune personne de la ` +
      `convention : ${strangers.join(', ')}.`;
  const ticked = facts.members.filter((email, i) => values[`participant-${i}`] === email);
  const participants = [...new Set([...ticked, ...others])];
  if (participants.length === 0) errors.participants = 'Cochez ou indiquez au moins un participant.';
  // Where each error of the API's input goes.
  const fields: Record<string, string> = {
    title: 'titre',
    description: 'description',
    location: 'lieu',
    deadline: 'echeance',
    options: 'dates',
    participants: 'participants',
  };
  dates.forEach(({ field }, i) => {
    for (const path of ['', '.date', '.start', '.end']) fields[`options.${i}${path}`] = field;
  });
  const text = (name: string) => (values[name] ?? '').trim() || undefined;
  participants.forEach((_, i) => (fields[`participants.${i}`] = 'autres-participants'));
  // The dates are checked whatever is wrong with the participants (left out then): every error shows at once.
  const asked = !errors.participants && !errors['autres-participants'];
  const datesRead = Object.keys(errors).every((name) => name === 'participants' || name === 'autres-participants');
  const input =
    deadline && datesRead
      ? parsed(
          () =>
            parseInput(newPollSchema(), {
              instance: facts.instance.slug,
              title: values.titre ?? '',
              ...(text('description') ? { description: text('description') } : {}),
              ...(text('lieu') ? { location: text('lieu') } : {}),
              deadline: deadline.toISOString(),
              options: dates.map((d) => d.option),
              ...(asked ? { participants } : {}),
            }),
          errors,
          fields,
        )
      : undefined;
  if (!input || !deadline) return { errors, suggestions, review: null };
  const placed = parsed(
    () => dates.map((d, i) => ({ ...d.option, ...optionTimes(d.option, facts.zone, `options.${i}`) })),
    errors,
    fields,
  );
  const warnings = placed
    ? parsed(
        () => {
          try {
            return checkPollDates(facts.settings, facts.instance, placed, deadline, now);
          } catch (error) {
            // The delay's whole explanation beside the deadline; each date too early named beside it.
            if (error instanceof DomainError && error.code === 'CONVOCATION_DELAY') errors.echeance ??= error.message;
            throw error;
          }
        },
        errors,
        fields,
        ['INVALID_INPUT', 'CONVOCATION_DELAY'],
      )
    : undefined;
  if (!placed || !warnings || Object.keys(errors).length) return { errors, suggestions, review: null };
  const poll: NewPoll = input;
  const review = {
    dates: placed.map((p, i) => ({
      label: optionLabel('creneau', p.startsAt, p.endsAt, facts.zone),
      warnings: warnings.filter((w) => w.field === `options.${i}`).map((w) => w.message),
    })),
    participants: participants.length,
    fingerprint: JSON.stringify([poll.deadline, poll.options, poll.participants]),
  };
  return { errors, suggestions, review, poll };
}

/**
 * The pages that propose dates (start a poll, as POST /api/polls), close a poll and choose among
 * tied dates (as POST /api/polls/:id/:step), on the same use cases and access rules.
 */
export function registerPollFormPages(scope: FastifyInstance, deps: PollFormPagesDependencies): void {
  const { store, viewerOf, now } = deps;

  /** The convention, the reader, and the instances they may run polls for; refused when none. */
  const formContext = (request: FastifyRequest, named: string | undefined) =>
    instanceFormContext(store, request, named, instancesToPoll, (actor) =>
      assertMayManagePoll('cotech', actor, 'create'),
    );

  type Context = Awaited<ReturnType<typeof formContext>>;
  const formOf = (
    context: Context,
    facts: InstanceFacts | null,
    rest: Omit<PollForm, 'convention' | 'instances' | 'instance'>,
  ): PollForm => ({
    convention: context.convention,
    instances: context.instances,
    instance: facts && {
      slug: facts.instance.slug,
      name: facts.instance.name,
      delayDays: facts.delayDays,
      rule: ruleText(facts.rule),
      members: facts.members,
    },
    ...rest,
  });
  /** The instance named, if the reader may run its polls. */
  const chosenInstance = (context: Context, slug: unknown) =>
    typeof slug === 'string' ? context.instances.find((i) => i.slug === slug) : undefined;

  route<{ Querystring: { convention?: string; instance?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/sondages/nouveau',
      summary: 'The form that proposes dates for a meeting (?convention=&instance=), with suggested dates',
      tag: 'pages',
      access: 'domain',
      success: HTML,
      errors: [403],
    },
    async (request, reply) => {
      const context = await formContext(request, request.query.convention);
      const instance = chosenInstance(context, request.query.instance);
      const facts = instance ? await instanceFacts(store, context.convention.id, instance.slug, now()) : null;
      const values = facts ? initialValues(facts, now()) : {};
      const suggestions = facts ? reviewPollForm(values, facts, now()).suggestions : [];
      const form = formOf(context, facts, { values, errors: {}, suggestions, review: null });
      return sendAppPage(reply, 200, pollFormPage(form, viewerOf(request)));
    },
  );

  route<{ Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/sondages/nouveau',
      summary:
        'Suggest dates for the deadline typed (etape=suggerer), check the poll (etape=verifier), then start it ' +
        '(etape=lancer), as POST /api/polls',
      tag: 'pages',
      access: 'domain',
      success: { status: 303, description: 'Redirect to the poll’s page, or the form again', contentType: 'text/html' },
      errors: [403, 422],
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const context = await formContext(request, typeof body.convention === 'string' ? body.convention : undefined);
      const instance = chosenInstance(context, body.instance);
      if (!instance) {
        const errors = { instance: 'Choisissez l’instance qui se réunira.' };
        const form = formOf(context, null, { values: {}, errors, suggestions: [], review: null });
        return sendAppPage(reply, 422, pollFormPage(form, viewerOf(request)));
      }
      const facts = await instanceFacts(store, context.convention.id, instance.slug, now());
      const values = readPollForm(body);
      const checked = reviewPollForm(values, facts, now());
      const step = values.etape;
      if (step === 'lancer' && checked.poll && values.verifie === checked.review.fingerprint) {
        const started = await startPoll(deps, context.convention.id, checked.poll, context.actor, { now: now() });
        return reply.code(303).header('location', `/sondages/${started.pollId}?fait=lance`).send();
      }
      // Asking for suggestions is not a check: no error shown yet.
      const shown = step === 'suggerer' ? { errors: {}, review: null } : checked;
      const status = Object.keys(shown.errors).length ? 422 : 200;
      const form = formOf(context, facts, { values, suggestions: checked.suggestions, ...shown, errors: shown.errors });
      return sendAppPage(reply, status, pollFormPage(form, viewerOf(request)));
    },
  );

  /** A started poll, with the reader as an actor of its convention. */
  async function startedPoll(request: FastifyRequest, id: string) {
    const poll = ID.test(id) ? await store.polls.findState(id) : null;
    if (!poll?.workflowId) throw notFound('Sondage');
    const actor = await actorOf(request, store, poll.conventionId);
    return { poll: { workflowId: poll.workflowId, status: poll.status }, actor };
  }

  const toPollPage = (reply: FastifyReply, id: string, done: keyof typeof POLL_NOTICES) =>
    reply.code(303).header('location', `/sondages/${id}?fait=${done}`).send();

  route<{ Params: { id: string } }>(
    scope,
    {
      method: 'POST',
      url: '/sondages/:id/clore',
      summary: 'Close a poll before its deadline, as its close step: the rule chooses the date, or a tie is put',
      tag: 'pages',
      access: 'domain',
      success: { status: 303, description: 'Redirect to the poll’s page', contentType: 'text/html' },
      errors: [403, 404, 409],
    },
    async (request, reply) => {
      const { poll, actor } = await startedPoll(request, request.params.id);
      const state = await runPollStep(deps.client, poll, 'close', { actor });
      return toPollPage(reply, request.params.id, state.status === 'departage' ? 'departage' : 'choisie');
    },
  );

  route<{ Params: { id: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/sondages/:id/choisir',
      summary: 'Choose the date among tied ones (field `date`), as the poll’s choose step: the meeting is created',
      tag: 'pages',
      access: 'domain',
      success: { status: 303, description: 'Redirect to the poll’s page, or the page again', contentType: 'text/html' },
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const { poll, actor } = await startedPoll(request, request.params.id);
      const optionId = readPollForm(request.body).date;
      let refused: { status: number; message: string } | null = null;
      if (!optionId) refused = { status: 422, message: 'Choisissez la date de la réunion.' };
      else
        try {
          await runPollStep(deps.client, poll, 'choose' satisfies PollStep, { actor, optionId });
        } catch (error) {
          const mapped = toHttpError(error);
          // A date not among the tied ones goes beside the dates; a refused role or moment is a page of its own.
          if (mapped.code !== 'INVALID_INPUT') throw error;
          refused = { status: mapped.status, message: mapped.message };
        }
      if (!refused) return toPollPage(reply, request.params.id, 'choisie');
      const view = await pollPageView(deps, (await store.polls.find(request.params.id))!, actor, undefined);
      const actions = { ...view.actions, error: refused.message };
      return sendAppPage(reply, refused.status, pollPage(view.poll, viewerOf(request), actions));
    },
  );
}

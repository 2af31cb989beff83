import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  escalationNotice,
  evaluationNotice,
  noticesFor,
  partnerOpinionsMissingNotice,
  reminderNotice,
  type Audience,
  type Notice,
} from '../domain/fiche-notices.js';
import type { InstanceKind } from '../domain/charter.js';
import { assertMayEditContent, parseContentEdit, type FicheContentEdit } from '../domain/fiche-content.js';
import type { FicheState } from '../domain/fiche-views.js';
import { DomainError } from '../domain/errors.js';
import { actorOnlySchema, parseAction } from '../domain/lifecycle/action-schemas.js';
import { positionOf, type Action } from '../domain/lifecycle/model.js';
import {
  REVIEWING_BODIES,
  evaluationStart,
  followUpOf,
  nextEvaluationDue,
  reviewDeadlines,
} from '../domain/lifecycle/follow-up.js';
import { missingPartnerOpinions, pendingStep } from '../domain/lifecycle/pending-step.js';
import { check } from '../domain/lifecycle/rules.js';
import { apply, initialState } from '../domain/lifecycle/transitions.js';
import { ACTION_KINDS, isTerminal, type ActionKind, type Partner } from '../domain/lifecycle/vocabulary.js';
import { parseInput } from '../domain/validation.js';
import { addLocalDays, dayAfterAt, durationUntil, toLocal } from '../domain/paris-time.js';
import type { AgendaActivities } from '../activities/agenda.js';
import type { AudienceActivities, FicheSending } from '../activities/audience.js';
import type { FicheContentActivities } from '../activities/fiche-content.js';
import type { MailActivities, NoticeResult } from '../activities/mail.js';
import type { PartnerOpinionMailActivities } from '../activities/partner-opinion-mail.js';
import type { StoreActivities } from '../activities/store.js';
import {
  DEFAULT_TIMING,
  actionUpdates,
  commentSignal,
  editContentUpdate,
  ficheStateQuery,
  meetingScheduledSignal,
  type FicheLifecycleInput,
} from './definitions.js';
import { MAIL_ACTIVITY, STORE_ACTIVITY } from './activity-options.js';
import { asFailure } from './failures.js';
import { OneStepAtATime } from './plumbing/one-step-at-a-time.js';
import { Outbox } from './plumbing/outbox.js';
import { agendaChangedSignal, meetingWorkflowId } from './meeting-definitions.js';
import { conventionWorkflowId, evaluationRecordedSignal } from './convention-definitions.js';

const local = proxyActivities<StoreActivities & AgendaActivities & AudienceActivities & FicheContentActivities>(
  STORE_ACTIVITY,
);
const mail = proxyActivities<MailActivities & PartnerOpinionMailActivities & AudienceActivities>(MAIL_ACTIVITY);

/** Decisions a body takes at a meeting: recorded at or after the meeting the fiche is on the agenda of. */
const MEETING_DECISIONS: Partial<Record<ActionKind, true>> = {
  recordAvis: true,
  recordCopilDecision: true,
  recordBureauValidation: true,
};

/**
 * One fiche action, from its draft to its clôture (see domain/lifecycle/): each human step is an
 * update whose validator applies the lifecycle's rules before anything enters history; each review
 * waits for a meeting of the body, reminds its secretary the day after, then the coordinators; a
 * fiche en œuvre reminds its pilot of the yearly évaluation. While the COPIL waits for the CAF's and
 * the MSA's opinions, their referents are asked by mail, reminded, then the coordinators told.
 * Everyone concerned is told, once.
 */
export async function ficheLifecycleWorkflow(input: FicheLifecycleInput): Promise<FicheState> {
  const { workflowId } = workflowInfo();
  // A step's notices to N people are one activity, their audiences read by it; runs started before send one per
  // person.
  const batched = patched('notices-batched');
  // Steps taken while a notice is going out are told together in the next activity; runs started before told
  // them one activity each.
  const coalesced = patched('notices-coalesced');
  const timing = { ...DEFAULT_TIMING, ...input.timing };
  const state: FicheState = {
    ficheId: input.ficheId,
    title: input.title,
    // An imported fiche starts at its stage; the same rules apply from there.
    lifecycle: input.imported?.lifecycle ?? initialState(),
    pending: null,
    agenda: null,
    deadlines: {},
    notified: [],
    comments: [],
    piloteEmail: null,
    edits: [],
  };
  state.pending = pendingStep(state.lifecycle);
  const steps = new OneStepAtATime({
    busy: 'Une autre action est en cours d’enregistrement sur cette fiche : réessayez dans un instant.',
  });
  let meetingNews = false;
  /** The meeting the fiche is on the agenda of was moved or cancelled. */
  let agendaMoved = false;
  let implementationStarted: string | undefined = input.imported?.implementationStartedAt;

  // The title as last written: a draft may be renamed before it is submitted.
  const ref = () => ({ code: state.code ?? '', title: state.title });

  /** Who was told, by ledger key, from the lines a batched mail activity reports. */
  const told = ({ lines }: NoticeResult) => {
    for (const { idempotencyKey } of lines)
      if (!state.notified.includes(idempotencyKey)) state.notified.push(idempotencyKey);
  };

  /**
   * Sends notices to each of their recipients once: `occasion` tells this sending from others. Runs
   * started before 'notices-batched' are handed one notice at a time, and send it as they did, with
   * no promise in between: one more would reorder their commands on replay.
   */
  function tell(notices: Notice[], occasion: string): Promise<void> {
    return tellAll([{ notices, occasion }]);
  }

  function tellAll(sendings: FicheSending[]): Promise<void> {
    return batched ? tellTogether(sendings) : tellEach(sendings[0]!.notices[0]!, sendings[0]!.occasion);
  }

  async function tellTogether(sendings: FicheSending[]): Promise<void> {
    const { conventionId, ficheId } = input;
    told(await mail.sendFicheNotices({ conventionId, ficheId, workflowId, sendings }));
  }

  /** Before 'notices-batched': a notice's audience read by one activity, then one activity per recipient. */
  async function tellEach(notice: Notice, occasion: string): Promise<void> {
    const recipients = await local.resolveAudience({
      conventionId: input.conventionId,
      ficheId: input.ficheId,
      audience: notice.audience,
    });
    // All recipients at once: a notice to a whole body does not wait for each address in turn.
    await Promise.all(
      recipients.map(async (to) => {
        const key = `${workflowId}:${occasion}:${notice.step}:${to}`;
        if (state.notified.includes(key)) return;
        await mail.sendNotification({ idempotencyKey: key, to, notice: notice.content });
        state.notified.push(key);
      }),
    );
  }

  const outbox = new Outbox<FicheSending[]>(tellAll, coalesced ? (queued) => queued.flat() : undefined);

  function validate(kind: ActionKind, raw: unknown): Action {
    steps.assertIdle();
    const action = parseAction({ ...(raw as object), kind });
    const now = new Date().toISOString();
    check(state.lifecycle, action, input.charter, now);
    if (MEETING_DECISIONS[kind]) {
      const step = state.pending;
      const agenda = state.agenda;
      if (!agenda || !step || agenda.round !== reviewRound(step.instanceKind, step.version)) {
        throw new DomainError(
          'WRONG_STAGE',
          'La fiche n’est encore inscrite à l’ordre du jour d’aucune ' +
            'réunion de cette instance : la décision se prend en réunion.',
        );
      }
      if (now < agenda.startsAt) {
        throw new DomainError(
          'WRONG_STAGE',
          `La décision se prend en réunion : elle s’enregistre à partir du début de « ${agenda.title} ».`,
        );
      }
    }
    return action;
  }

  for (const kind of ACTION_KINDS) {
    const update = actionUpdates[kind] as UpdateDefinition<FicheState, [unknown]>;
    setHandler(
      update,
      async (raw) => {
        // Validated before the step starts, since validate() refuses any action while one is recorded.
        let validated: Action | undefined;
        asFailure(() => {
          validated = validate(kind, raw);
        });
        if (!validated) throw new Error(`validate(${kind}) returned no action`);
        const action = validated;
        return steps.run(async () => {
          const before = state.lifecycle;
          const at = new Date().toISOString();
          const after = apply(before, action, at);
          const epoch = after.history.length;
          const entry = after.history[epoch - 1]!;
          if (
            kind === 'recordBureauValidation' &&
            after.versionInForce !== before.versionInForce &&
            !implementationStarted
          )
            implementationStarted = at;
          await local.recordLifecycleStep({
            idempotencyKey: `${workflowId}:step-${epoch}`,
            ficheId: input.ficheId,
            conventionId: input.conventionId,
            action: kind,
            actorEmail: action.actor.email,
            actorRole: action.actor.appRole,
            ...(entry.outcome ? { outcome: entry.outcome } : {}),
            ...(entry.comment ? { comment: entry.comment } : {}),
            version: entry.version,
            fromStage: before.review?.stage ?? before.stage,
            toStage: after.stage,
            ...(MEETING_DECISIONS[kind] && state.agenda
              ? { instanceKind: state.agenda.instanceKind, meetingId: state.agenda.meetingId }
              : {}),
            versionInForce: after.versionInForce,
            ...(action.kind === 'recordEvaluation'
              ? {
                  evaluation: {
                    year: action.year,
                    summary: action.summary.trim(),
                    ...(action.indicators?.length ? { indicators: action.indicators } : {}),
                  },
                }
              : {}),
            followUp: followUpAfter(after, at),
            lifecycle: positionOf(after),
            at,
          });
          state.lifecycle = after;
          state.pending = pendingStep(after);
          // The convention's cycle shows the pilot as answered at once (it reads the store anyway before reminding).
          if (action.kind === 'recordEvaluation' && patched('tell-convention-of-evaluation')) {
            await getExternalWorkflowHandle(conventionWorkflowId(input.conventionId))
              .signal(evaluationRecordedSignal, { ficheId: input.ficheId, year: action.year })
              .catch(() => undefined);
          }
          // Sent by the notifier, so the person acting gets the answer without waiting for the mail.
          // A step's notices leave together; runs started before sent them one after the other.
          const notices = noticesFor(action, before, after, ref(), input.charter);
          const occasion = `step-${epoch}`;
          if (batched) outbox.push([{ notices, occasion }]);
          else for (const notice of notices) outbox.push([{ notices: [notice], occasion }]);
          return state;
        });
      },
      { validator: (raw) => asFailure(() => void validate(kind, raw)) },
    );
  }
  function validateEdit(raw: { actor: unknown; edit: unknown }): {
    version: number;
    edit: FicheContentEdit;
    actorEmail: string;
  } {
    steps.assertIdle();
    const { actor } = parseInput(actorOnlySchema(), { actor: raw.actor }, { what: 'la modification de la fiche' });
    const version = assertMayEditContent(actor, {
      authorEmail: input.authorEmail,
      piloteEmail: state.piloteEmail ?? null,
      lifecycle: state.lifecycle,
    });
    return { version, edit: parseContentEdit(raw.edit), actorEmail: actor.email };
  }
  setHandler(
    editContentUpdate,
    async (raw) => {
      let checked: ReturnType<typeof validateEdit> | undefined;
      asFailure(() => {
        checked = validateEdit(raw);
      });
      if (!checked) throw new Error('validateEdit returned nothing');
      const { version, edit, actorEmail } = checked;
      return steps.run(async () => {
        try {
          const at = new Date().toISOString();
          const edits = (state.edits ??= []);
          const { content, changes } = await local.saveFicheContent({
            idempotencyKey: `${workflowId}:edit-${edits.length + 1}`,
            conventionId: input.conventionId,
            ficheId: input.ficheId,
            version,
            edit,
            actorEmail,
            at,
          });
          state.title = content.title;
          state.piloteEmail = content.pilote;
          edits.push({ by: actorEmail, at, version, changes });
          return state;
        } catch (error) {
          // A reference gone since the API checked it: the caller gets the domain error itself.
          throw error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : error;
        }
      });
    },
    { validator: (raw) => asFailure(() => void validateEdit(raw)) },
  );
  setHandler(ficheStateQuery, () => state);
  setHandler(meetingScheduledSignal, ({ meetingId }) => {
    meetingNews = true;
    if (meetingId !== undefined && meetingId === state.agenda?.meetingId) agendaMoved = true;
  });
  setHandler(commentSignal, ({ authorEmail, text }) => {
    state.comments.push({ authorEmail, text, at: new Date().toISOString() });
  });

  outbox.start();
  state.code = (
    await local.saveFiche({
      ficheId: input.ficheId,
      conventionId: input.conventionId,
      title: input.title,
      authorEmail: input.authorEmail,
      ...(input.gtt !== undefined ? { gtt: input.gtt } : {}),
      workflowId,
      status: state.lifecycle.stage,
      followUp: followUpAfter(state.lifecycle, new Date().toISOString()),
      lifecycle: positionOf(state.lifecycle),
    })
  ).code;

  /** Waits until an action is accepted or the agenda's meeting moves (true), or the time runs out (false). */
  const actedWithin = (epoch: number, ms?: number) => {
    const moved = () => state.lifecycle.history.length !== epoch || agendaMoved;
    return ms === undefined ? condition(moved).then(() => true) : condition(moved, ms);
  };

  /**
   * What this workflow follows once the fiche is at `lifecycle`, for its row (the boards read it there): the
   * deadlines of the review under way when it stays on the same meeting's agenda, else those the agenda's
   * look-up will write.
   */
  function followUpAfter(lifecycle: typeof state.lifecycle, at: string) {
    const step = pendingStep(lifecycle);
    const agenda = state.agenda;
    const sameMeeting =
      step && agenda && !agendaMoved && agenda.round === reviewRound(step.instanceKind, step.version, lifecycle);
    return followUpOf(lifecycle, timing, {
      ...(sameMeeting ? { meetingStartsAt: agenda.startsAt } : {}),
      implementationStartedAt: implementationStarted ?? at,
    });
  }

  /** Which review this is: each submission, and each adjournment, needs a meeting of its own. */
  function reviewRound(instanceKind: string, version: number, lifecycle = state.lifecycle): string {
    const reviews = lifecycle.history.filter(
      (h) =>
        h.version === version &&
        (h.action === 'submit' ||
          (h.action === 'recordAvis' && h.outcome !== 'a_retravailler') ||
          h.action === 'recordCopilDecision'),
    ).length;
    return `${instanceKind}-v${version}-r${reviews}`;
  }

  async function followReview(instanceKind: InstanceKind, version: number, epoch: number): Promise<void> {
    const round = reviewRound(instanceKind, version);
    let joined = false;
    if (agendaMoved) {
      // Its meeting moved or was cancelled: the agenda is looked up again, the reminders follow.
      agendaMoved = false;
      state.agenda = null;
    }
    while (state.agenda?.round !== round) {
      // Cleared before the look-up, not after: news arriving while it runs must not be lost.
      meetingNews = false;
      const placed = await local.putOnNextAgenda({
        conventionId: input.conventionId,
        ficheId: input.ficheId,
        version,
        instanceKind,
        after: new Date().toISOString(),
        // The row's deadlines follow the meeting found (the same rule as below).
        followUp: { what: state.pending?.what ?? null, timing },
      });
      if (placed) {
        const { added, ...meeting } = placed;
        state.agenda = { ...meeting, instanceKind, version, round };
        joined = added;
        break;
      }
      // No meeting scheduled yet: look again when one is, or every day in case the news was missed.
      await condition(() => meetingNews || state.lifecycle.history.length !== epoch, '1 day');
      if (state.lifecycle.history.length !== epoch) return;
    }
    const agenda = state.agenda;
    const { reminder, escalation, escalateAfterDays } = reviewDeadlines(agenda.startsAt, agenda.instanceKind, timing);
    state.deadlines = { reminder: reminder.toISOString(), escalation: escalation.toISOString() };
    // The meeting sends its members the new ordre du jour (older histories did not tell it).
    if (joined && patched('tell-meeting-of-agenda')) {
      await getExternalWorkflowHandle(meetingWorkflowId(agenda.meetingId))
        .signal(agendaChangedSignal)
        .catch(() => undefined);
    }
    if (await actedWithin(epoch, durationUntil(new Date(), reminder))) return;
    await tell([reminderNotice(agenda.instanceKind, ref(), version, agenda.title, state.lifecycle)], round);
    if (await actedWithin(epoch, durationUntil(new Date(), escalation))) return;
    const coordinators: Audience = { kind: 'role', ...timing.coordinators };
    await tell(
      [escalationNotice(agenda.instanceKind, coordinators, ref(), version, agenda.title, escalateAfterDays)],
      round,
    );
    await actedWithin(epoch);
  }

  /**
   * Asks the referents of each partner whose opinion on `version` the COPIL waits for (a mail with
   * their own link), reminds the silent ones with a fresh link, then tells the coordinators; stops
   * as soon as the opinions are in or the version no longer waits for them.
   */
  async function followPartnerOpinions(version: number): Promise<void> {
    const silent = () => {
      const review = state.lifecycle.review;
      return review?.version === version && review.stage === 'attente_copil' ? missingPartnerOpinions(review) : [];
    };
    const askedAt = new Date();
    const ask = async (reminder: boolean) => {
      const occasionOf = (partner: Partner) => `${reminder ? 'rappel-' : ''}avis-${partner}-v${version}`;
      if (batched) {
        const partners = silent();
        if (partners.length === 0) return;
        told(
          await mail.askPartnerOpinions({
            conventionId: input.conventionId,
            workflowId,
            ficheId: input.ficheId,
            fiche: ref(),
            version,
            partners: partners.map((partner) => ({ partner, occasion: occasionOf(partner) })),
            zone: timing.zone,
            ...(reminder ? { askedAt: askedAt.toISOString() } : {}),
          }),
        );
        return;
      }
      for (const partner of silent()) {
        const occasion = occasionOf(partner);
        const referents = await local.resolveAudience({
          conventionId: input.conventionId,
          ficheId: input.ficheId,
          audience: { kind: 'partner', partner },
        });
        await Promise.all(
          referents.map(async (recipient) => {
            // The ledger's key of the mail (activities/mail.ts' sendWorkflowMail).
            const key = `${workflowId}:${occasion}:${recipient}`;
            if (state.notified.includes(key)) return;
            await mail.sendPartnerOpinionMail({
              workflowId,
              ficheId: input.ficheId,
              fiche: ref(),
              version,
              partner,
              recipient,
              occasion,
              zone: timing.zone,
              ...(reminder ? { askedAt: askedAt.toISOString() } : {}),
            });
            state.notified.push(key);
          }),
        );
      }
    };
    /** `days` after the request, at the reminder hour. */
    const after = (days: number) =>
      addLocalDays(dayAfterAt(askedAt, timing.reminderHour, 0, timing.zone), days - 1, timing.zone);
    const answered = (until: Date) => condition(() => silent().length === 0, durationUntil(new Date(), until));
    await ask(false);
    if (await answered(after(timing.partnerRemindAfterDays))) return;
    await ask(true);
    const days = Math.max(timing.partnerEscalateAfterDays, timing.partnerRemindAfterDays);
    if (await answered(after(days))) return;
    const coordinators: Audience = { kind: 'role', ...timing.coordinators };
    await tell(
      [partnerOpinionsMissingNotice(coordinators, ref(), version, silent(), days)],
      `avis-partenaires-v${version}`,
    );
  }
  /** Each version's partners are asked once, the first time the COPIL waits for their opinions. */
  const partnersAsked = new Set<number>();
  // Beside the main loop, which follows the COPIL's meeting meanwhile.
  const partnerRequests = new Outbox<number>(followPartnerOpinions);

  async function followImplementation(epoch: number): Promise<void> {
    // Each year on the anniversary of the start, at the reminder hour: the pilot fills the évaluation.
    const start = evaluationStart(implementationStarted ?? new Date().toISOString(), timing);
    const due = nextEvaluationDue(start, new Date(), timing.zone);
    state.deadlines = { evaluation: due.toISOString() };
    if (await actedWithin(epoch, durationUntil(new Date(), due))) return;
    const year = toLocal(due, timing.zone).year;
    if (!state.lifecycle.evaluations.some((e) => e.year === year))
      await tell([evaluationNotice(ref(), year)], `evaluation-${year}`);
  }

  while (!isTerminal(state.lifecycle.stage)) {
    const epoch = state.lifecycle.history.length;
    const step = state.pending;
    state.deadlines = {};
    if (step?.missingPartnerOpinions && !partnersAsked.has(step.version) && patched('ask-partner-opinions')) {
      partnersAsked.add(step.version);
      partnerRequests.push(step.version);
      partnerRequests.start();
    }
    if (step && REVIEWING_BODIES.has(step.instanceKind)) {
      // Also while the COPIL waits for the CAF's and the MSA's opinions: the fiche is on its agenda.
      await followReview(step.instanceKind, step.version, epoch);
    } else if (state.lifecycle.stage === 'en_oeuvre' && !state.lifecycle.review) {
      await followImplementation(epoch);
    } else {
      await actedWithin(epoch);
    }
  }
  state.deadlines = {};
  await condition(allHandlersFinished);
  await partnerRequests.close();
  await outbox.close();
  return state;
}

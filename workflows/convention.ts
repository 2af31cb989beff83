import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConventionCycleActivities, ConventionCycleFacts } from '../activities/convention-cycle.js';
import type { MailActivities } from '../activities/mail.js';
import {
  DEFAULT_CAMPAIGN_TIMING,
  campaignsOfYear,
  checkProlongation,
  parseProlongation,
  termRemindersOfYear,
} from '../domain/convention-cycle.js';
import type { ConventionNoticeContent, ReviewedFiche } from '../domain/convention-notices.js';
import { addLocalDays, durationUntil, fromLocal, localDateKey, parseDateKey } from '../domain/paris-time.js';
import { MAIL_ACTIVITY, STORE_ACTIVITY } from './activity-options.js';
import {
  amendmentSignedSignal,
  conventionCycleStateQuery,
  evaluationRecordedSignal,
  prolongUpdate,
  type TermReminderState,
  type CampaignState,
  type ConventionCycleInput,
  type ConventionCycleState,
} from './convention-definitions.js';
import { DEFAULT_TIMING } from './definitions.js';
import { asFailure } from './failures.js';
import { OneStepAtATime } from './plumbing/one-step-at-a-time.js';
import { Outbox } from './plumbing/outbox.js';
import { agendaChangedSignal, meetingWorkflowId } from './meeting-definitions.js';

const cycle = proxyActivities<ConventionCycleActivities>(STORE_ACTIVITY);
const mail = proxyActivities<MailActivities>(MAIL_ACTIVITY);

/** How often the COPIL's agenda is looked at again while no meeting is scheduled for the review. */
const REVIEW_LOOK_AGAIN_DAYS = 7;

/**
 * A convention over its years, one calendar year per run: in January the pilots of the fiches en
 * œuvre are asked for the past year's évaluation, reminded while it is missing, and at the
 * deadline the synthesis goes to the COPIL, its review on the next COPIL meeting's ordre du jour.
 * In the last year a final campaign prepares the bilan before the end date. A prolongation by
 * amendment moves the end date; at the year's end the cycle goes on as new while the convention runs.
 *
 * The review joins the ordre du jour of the next COPIL meeting rather than creating one: its date
 * is agreed among partners (often by a date poll) and its convocation delay is 14 jours francs, so
 * when none is scheduled the COPIL's secretary is asked to schedule one, and the point joins it
 * when it exists.
 */
export async function conventionCycleWorkflow(input: ConventionCycleInput): Promise<void> {
  const { workflowId } = workflowInfo();
  // A notice to N people is one activity; runs started before send one per person.
  const batched = patched('notices-batched');
  // A prolongation is an avenant « projet » that moves the end date once the three parties signed
  // it; runs started before moved it at once.
  const signaturePath = patched('avenant-signature-path');
  // The coordinators are reminded before the term; runs started before had no such timers.
  const termReminders = patched('term-reminders');
  // The coordinators are told of a prolongation avenant once proposed; runs started before told no one until signed.
  const proposedNotice = patched('avenant-proposed-notice');
  const timing = { ...DEFAULT_CAMPAIGN_TIMING, ...input.timing };
  const state: ConventionCycleState = {
    conventionId: input.conventionId,
    year: input.year,
    startDate: '',
    endDate: '',
    campaigns: [],
    amendments: [],
    termReminders: [],
    nextWake: null,
  };
  let facts: ConventionCycleFacts | undefined = undefined;
  let changes = 0;
  const steps = new OneStepAtATime({
    busy: 'Un autre avenant est en cours d’enregistrement : réessayez dans un instant.',
    preparing: 'Le cycle de la convention se prépare : réessayez dans un instant.',
  });
  /** Mails decided by an update handler, sent by the main loop so the caller need not wait for them. */
  const outbox = new Outbox<{ occasion: string; to: string[]; notice: ConventionNoticeContent }>(
    ({ occasion, to, notice }) => send(occasion, to, notice),
  );
  /** When to look at the COPIL's agenda again, by campaign key, while its review waits for a meeting. */
  const lookAgain = new Map<string, Date>();
  /** Prolongation avenants the three parties signed, told by signal, taken into account by the main loop. */
  const signed: number[] = [];

  const ready = (): ConventionCycleFacts => steps.ready(facts);

  /** This year's campaigns from the current end date, keeping those already opened as they are. */
  function plan(known: ConventionCycleFacts): void {
    const kept = state.campaigns.filter((c) => c.status !== 'a_venir');
    const fresh = campaignsOfYear(input.year, state.startDate, state.endDate, timing, known.zone)
      .filter((p) => !kept.some((c) => c.key === p.key))
      .map((p): CampaignState => ({
        ...p,
        status: 'a_venir',
        openedAt: null,
        fiches: [],
        answered: [],
        pending: [],
        remindersSent: [],
        review: null,
      }));
    state.campaigns = [...kept, ...fresh].sort((a, b) => a.opensAt.localeCompare(b.opensAt));
    if (!termReminders) return;
    const now = new Date().toISOString();
    const sent = state.termReminders.filter((r) => r.status !== 'a_venir');
    state.termReminders = [
      ...sent,
      ...termRemindersOfYear(input.year, state.endDate, timing, known.zone)
        .filter((r) => !sent.some((s) => s.key === r.key))
        .map((r): TermReminderState => ({ ...r, status: r.at <= now ? 'manque' : 'a_venir' })),
    ];
  }

  /** Who answered: pilots whose every fiche has the year's évaluation; the others are pending. */
  function tally(campaign: CampaignState): void {
    const pilots = [...new Set(campaign.fiches.map((f) => f.pilotEmail))].sort();
    campaign.pending = pilots.filter((p) => campaign.fiches.some((f) => f.pilotEmail === p && !f.answered));
    campaign.answered = pilots.filter((p) => !campaign.pending.includes(p));
  }

  async function refresh(campaign: CampaignState): Promise<ReviewedFiche[]> {
    const fiches = await cycle.loadCampaign({ conventionId: input.conventionId, year: campaign.year });
    campaign.fiches = fiches.map((f) => ({
      ficheId: f.ficheId,
      code: f.code,
      title: f.title,
      pilotEmail: f.pilotEmail,
      answered: f.evaluation !== null,
    }));
    tally(campaign);
    return fiches;
  }

  async function send(occasion: string, recipients: readonly string[], notice: ConventionNoticeContent): Promise<void> {
    if (batched) {
      await mail.sendNotice({ workflowId, occasion, to: [...new Set(recipients)], notice });
      return;
    }
    await Promise.all(
      [...new Set(recipients)].map((to) =>
        mail.sendNotification({
          idempotencyKey: `${workflowId}:${occasion}:${to}`,
          workflowId,
          to,
          notice,
        }),
      ),
    );
  }

  /** Each pending pilot gets one mail for all the fiches they pilot still without the year's évaluation. */
  async function askPilots(
    campaign: CampaignState,
    occasion: string,
    kind: 'campaign-invitation' | 'campaign-reminder',
  ): Promise<void> {
    const known = ready();
    await refresh(campaign);
    await Promise.all(
      campaign.pending.map((pilot) =>
        send(`${campaign.key}:${occasion}`, [pilot], {
          topic: 'convention',
          kind,
          campaignKind: campaign.kind,
          year: campaign.year,
          fiches: campaign.fiches
            .filter((f) => f.pilotEmail === pilot && !f.answered)
            .map(({ ficheId, code, title }) => ({ ficheId, code, title })),
          deadline: campaign.deadline,
          baseUrl: known.baseUrl,
          zone: known.zone,
        }),
      ),
    );
  }

  const reviewTitle = (campaign: CampaignState) =>
    campaign.kind === 'finale'
      ? `Bilan de la Convention Territoriale Globale (évaluation ${campaign.year})`
      : `Revue annuelle des évaluations ${campaign.year}`;

  /** Puts the review on the next COPIL meeting's ordre du jour; false when none is scheduled. */
  async function placeReview(campaign: CampaignState): Promise<boolean> {
    const placed = await cycle.placeReviewOnCopilAgenda({
      conventionId: input.conventionId,
      title: reviewTitle(campaign),
      kind: campaign.kind === 'finale' ? 'decision' : 'information',
      after: new Date().toISOString(),
    });
    if (!placed) {
      campaign.review = { status: 'a_planifier' };
      lookAgain.set(campaign.key, addLocalDays(new Date(), REVIEW_LOOK_AGAIN_DAYS, ready().zone));
      return false;
    }
    campaign.review = {
      status: 'inscrite',
      meetingId: placed.meetingId,
      meetingTitle: placed.meetingTitle,
      startsAt: placed.startsAt,
    };
    lookAgain.delete(campaign.key);
    // The meeting sends its members the new ordre du jour.
    if (placed.added)
      await getExternalWorkflowHandle(meetingWorkflowId(placed.meetingId))
        .signal(agendaChangedSignal)
        .catch(() => undefined);
    return true;
  }

  /** At the deadline: the synthesis to the COPIL and the coordinators, the review on the COPIL's agenda. */
  async function close(campaign: CampaignState): Promise<void> {
    const known = ready();
    const fiches = await refresh(campaign);
    const placed = await placeReview(campaign);
    const review = campaign.review!;
    const place = placed ? { meetingTitle: review.meetingTitle!, startsAt: review.startsAt! } : null;
    const [copil, coordinators] = await Promise.all([
      cycle.conventionAudience({ conventionId: input.conventionId, instanceKind: 'copil' }),
      cycle.conventionAudience({ conventionId: input.conventionId, ...DEFAULT_TIMING.coordinators }),
    ]);
    await send(`${campaign.key}:synthese`, [...copil, ...coordinators], {
      topic: 'convention',
      kind: 'review-summary',
      campaignKind: campaign.kind,
      year: campaign.year,
      fiches,
      place,
      zone: known.zone,
    });
    if (!placed) {
      const secretaries = await cycle.conventionAudience({
        conventionId: input.conventionId,
        instanceKind: 'copil',
        roles: ['secretaire'],
      });
      await send(`${campaign.key}:copil-a-planifier`, secretaries.length > 0 ? secretaries : coordinators, {
        topic: 'convention',
        kind: 'schedule-review',
        campaignKind: campaign.kind,
        year: campaign.year,
      });
    }
    campaign.status = 'close';
  }

  setHandler(
    prolongUpdate,
    async ({ actor, newEndDate, motif }) => {
      const prolongation = parseProlongation({ newEndDate, motif });
      if (signaturePath) {
        return steps.run(async () => {
          const at = new Date().toISOString();
          const proposed = await cycle.proposeAmendment({
            conventionId: input.conventionId,
            kind: 'prolongation',
            ...prolongation,
            actorEmail: actor.email,
            idempotencyKey: `${workflowId}:avenant:${state.endDate}:${prolongation.newEndDate}`,
            at,
          });
          state.amendments.push({
            number: proposed.number,
            status: 'projet',
            previousEndDate: proposed.previousEndDate,
            newEndDate: prolongation.newEndDate,
            motif: prolongation.motif,
            by: actor.email,
            at,
          });
          if (proposedNotice) {
            // Inside the step: ready() would refuse as busy; the validator checked the facts are loaded.
            const known = facts!;
            const coordinators = await cycle.conventionAudience({
              conventionId: input.conventionId,
              ...DEFAULT_TIMING.coordinators,
            });
            if (coordinators.length > 0)
              outbox.push({
                occasion: `avenant-${proposed.number}-propose`,
                to: coordinators,
                notice: {
                  topic: 'convention',
                  kind: 'amendment-proposed',
                  number: proposed.number,
                  previousEnd: proposed.previousEndDate,
                  newEnd: prolongation.newEndDate,
                  motif: prolongation.motif,
                  proposedBy: actor.email,
                  pageUrl: `${known.baseUrl}/?convention=${encodeURIComponent(known.slug)}#signature`,
                },
              });
          }
          return state;
        });
      }
      return steps.run(async () => {
        const previous = state.endDate;
        const at = new Date().toISOString();
        const recorded = await cycle.recordProlongation({
          conventionId: input.conventionId,
          ...prolongation,
          actorEmail: actor.email,
          idempotencyKey: `${workflowId}:prolong:${previous}:${prolongation.newEndDate}`,
          at,
        });
        state.amendments.push({
          number: recorded.number,
          previousEndDate: previous,
          newEndDate: recorded.newEndDate,
          motif: prolongation.motif,
          by: actor.email,
          at,
        });
        state.endDate = recorded.newEndDate;
        plan(facts!);
        const [copil, coordinators] = await Promise.all([
          cycle.conventionAudience({ conventionId: input.conventionId, instanceKind: 'copil' }),
          cycle.conventionAudience({ conventionId: input.conventionId, ...DEFAULT_TIMING.coordinators }),
        ]);
        outbox.push({
          occasion: `avenant-${recorded.number}`,
          to: [...copil, ...coordinators],
          notice: {
            topic: 'convention',
            kind: 'prolongation',
            number: recorded.number,
            previousEnd: previous,
            newEnd: recorded.newEndDate,
            motif: prolongation.motif,
          },
        });
        changes += 1;
        return state;
      });
    },
    {
      validator: ({ actor, newEndDate, motif }) =>
        asFailure(() => {
          const known = ready();
          checkProlongation(
            actor,
            parseProlongation({ newEndDate, motif }),
            state.endDate,
            localDateKey(new Date(), known.zone),
          );
        }),
    },
  );
  setHandler(evaluationRecordedSignal, ({ ficheId, year }) => {
    for (const campaign of state.campaigns.filter((c) => c.year === year)) {
      for (const fiche of campaign.fiches) if (fiche.ficheId === ficheId) fiche.answered = true;
      tally(campaign);
    }
  });
  setHandler(amendmentSignedSignal, ({ number }) => {
    if (!signed.includes(number)) signed.push(number);
  });
  setHandler(conventionCycleStateQuery, () => state);

  /** A signed prolongation: the new end date plans the year again, and the COPIL and coordinators are told. */
  async function takeEffect(number: number): Promise<void> {
    const amendment = await cycle.loadAmendment({ conventionId: input.conventionId, number });
    if (!amendment || amendment.status !== 'signe' || amendment.kind !== 'prolongation') return;
    const { endDate } = await cycle.loadConventionCycle({ conventionId: input.conventionId });
    const previous = amendment.previousEndDate ?? state.endDate;
    const record = state.amendments.find((a) => a.number === number);
    if (record) record.status = 'signe';
    else
      state.amendments.push({
        number,
        status: 'signe',
        previousEndDate: previous,
        newEndDate: endDate,
        motif: amendment.motif ?? '',
        by: amendment.proposedBy ?? '',
        at: new Date().toISOString(),
      });
    state.endDate = endDate;
    plan(ready());
    const [copil, coordinators] = await Promise.all([
      cycle.conventionAudience({ conventionId: input.conventionId, instanceKind: 'copil' }),
      cycle.conventionAudience({ conventionId: input.conventionId, ...DEFAULT_TIMING.coordinators }),
    ]);
    await send(`avenant-${number}`, [...copil, ...coordinators], {
      topic: 'convention',
      kind: 'prolongation',
      number,
      previousEnd: previous,
      newEnd: endDate,
      motif: amendment.motif ?? '',
    });
  }

  /** A reminder that the term nears, to the coordinators: prepare the renewal or an avenant. */
  async function remindTerm(reminder: TermReminderState): Promise<void> {
    const known = ready();
    const coordinators = await cycle.conventionAudience({
      conventionId: input.conventionId,
      ...DEFAULT_TIMING.coordinators,
    });
    await send(reminder.key, coordinators, {
      topic: 'convention',
      kind: 'term-reminder',
      conventionName: known.name,
      endDate: reminder.endDate,
      monthsBefore: reminder.monthsBefore,
      pageUrl: `${known.baseUrl}/?convention=${encodeURIComponent(known.slug)}`,
      amendmentsUrl: `${known.baseUrl}/api/conventions/${encodeURIComponent(known.slug)}/amendments`,
    });
  }

  facts = await cycle.loadConventionCycle({ conventionId: input.conventionId });
  state.startDate = facts.startDate;
  state.endDate = facts.endDate;
  plan(facts);
  const yearEnd = fromLocal({ year: input.year + 1, month: 1, day: 1, hour: 0, minute: 0 }, facts.zone);

  while (Date.now() < yearEnd.getTime()) {
    const now = new Date();
    const iso = now.toISOString();
    await outbox.flush();
    for (const number of signed.splice(0)) await takeEffect(number);
    for (const reminder of state.termReminders) {
      if (reminder.status !== 'a_venir' || reminder.at > iso) continue;
      reminder.status = 'envoye';
      await remindTerm(reminder);
    }
    for (const campaign of state.campaigns) {
      if (campaign.status === 'a_venir' && campaign.opensAt <= iso) {
        if (campaign.deadline <= iso) {
          // The cycle started after this campaign's deadline: nothing to ask any more.
          campaign.status = 'manquee';
          continue;
        }
        campaign.status = 'ouverte';
        campaign.openedAt = iso;
        await askPilots(campaign, 'ouverture', 'campaign-invitation');
      }
      if (campaign.status === 'ouverte') {
        for (const at of campaign.reminders) {
          if (at > iso || at < campaign.openedAt! || campaign.remindersSent.includes(at)) continue;
          campaign.remindersSent.push(at);
          await askPilots(campaign, `rappel-${localDateKey(new Date(at), facts.zone)}`, 'campaign-reminder');
        }
        if (campaign.deadline <= iso) await close(campaign);
      }
      const look = lookAgain.get(campaign.key);
      if (campaign.review?.status === 'a_planifier' && look && look <= now) await placeReview(campaign);
    }
    const upcoming = state.campaigns.flatMap((c) => {
      if (c.status === 'a_venir') return [new Date(c.opensAt)];
      if (c.status === 'ouverte')
        return [...c.reminders.filter((at) => at >= c.openedAt! && !c.remindersSent.includes(at)), c.deadline].map(
          (at) => new Date(at),
        );
      const look = lookAgain.get(c.key);
      return look ? [look] : [];
    });
    for (const reminder of state.termReminders) if (reminder.status === 'a_venir') upcoming.push(new Date(reminder.at));
    const next = new Date(Math.min(yearEnd.getTime(), ...upcoming.map((at) => at.getTime())));
    state.nextWake = next.toISOString();
    const seen = changes;
    // The outbox too: an update may have filled it while this pass was busy, before `seen` was taken.
    await condition(() => changes !== seen || outbox.pending || signed.length > 0, durationUntil(new Date(), next));
  }
  state.nextWake = null;
  await condition(allHandlersFinished);
  await outbox.flush();
  // A prolongation signed in the year's last instants still reaches the COPIL.
  for (const number of signed.splice(0)) await takeEffect(number);
  // Read again: an amendment recorded elsewhere (or by this cycle) may have moved the end.
  const { endDate } = await cycle.loadConventionCycle({ conventionId: input.conventionId });
  if (input.year + 1 <= parseDateKey(endDate).year) {
    await continueAsNew<typeof conventionCycleWorkflow>({ ...input, year: input.year + 1 });
  }
}

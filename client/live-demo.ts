import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { checkConvocationDate } from '../domain/convocation-date.js';
import type { FicheContentEdit } from '../domain/fiche-content.js';
import type { FicheState } from '../domain/fiche-views.js';
import type { Actor } from '../domain/lifecycle/model.js';
import type { ActionKind } from '../domain/lifecycle/vocabulary.js';
import { calendarOfYear } from '../domain/meeting-recurrence.js';
import { earliestMeetingDay, type RsvpPartStat } from '../domain/meeting-rules.js';
import { atLocalTime, dateKey, fromLocal, shiftDate, toLocal, type LocalDate } from '../domain/paris-time.js';
import { nextOpenDay } from '../domain/calendar-checks.js';
import { parseZone } from '../domain/school-holidays.js';
import type { DemoPeople } from '../store/conventions/demo-people.js';
import type { Store } from '../store/index.js';
import { calendarMeetingKey, calendarWorkflowId } from '../workflows/calendar-definitions.js';
import { ficheStateQuery } from '../workflows/definitions.js';
import {
  meetingStateQuery,
  recordAttendanceUpdate,
  sendDecisionSummaryUpdate,
  type MeetingTiming,
} from '../workflows/meeting-definitions.js';
import { voteUpdate } from '../workflows/poll-definitions.js';
import { editFicheContent } from './edit-fiche-content.js';
import { takeStep, type ActionInput } from './fiche-steps.js';
import { convocationRules, scheduleMeeting } from './schedule-meeting.js';
import { setCalendarRules } from './set-calendar-rules.js';
import { createRsvpSignaller } from './signal-rsvp.js';
import { startFiche } from './start-fiche.js';
import { startPoll } from './start-poll.js';

type Deps = { client: Client; store: Store; taskQueue: string };

/** What bringing the demo to life did (a type, not an interface: the audit log keeps it as JSON). */
export type LiveDemoSummary = {
  /** False when it was alive already (fiches or a running calendar): nothing was added. */
  animated: boolean;
  /** Meetings convened: this quarter's and the next's from the calendar rules, and the day's three sessions. */
  meetings: number;
  fiches: number;
  answers: number;
  votes: number;
  /** Wall-clock time it took. */
  seconds: number;
};

export interface LiveDemoOptions {
  /** The instant it is loaded: the quarters, the rules' meetings, the poll's dates follow from it. */
  now: Date;
  onProgress?: (done: number, total: number, step: string) => void;
  /** How far ahead of their convocation the day's sessions start (their fiches must reach the agenda first). */
  sessionLeadMs?: number;
}

/** The reviewing bodies' instances in the demo. */
type Body = 'cotech' | 'copil' | 'bureau-communautaire';
const LOCATION = 'Les Arcades, 2 place de Strasbourg, 79500 Melle';
/**
 * The demo's meetings convene once their ordre du jour has been still for 5 s rather than a minute: their fiches
 * are placed at once, and the invitations are answered before loading ends.
 */
const TIMING: Partial<MeetingTiming> = { agendaQuietMs: 5_000 };
const SESSION_REASON =
  'Séance tenue au chargement de la démonstration : les avis et décisions ne s’enregistrent qu’en réunion ' +
  'commencée, et ces fiches en montrent le parcours dès aujourd’hui.';
/** The steps its progress counts. */
export const LIVE_DEMO_STEPS = [
  'fiches',
  'séance du COTECH',
  'séance du COPIL',
  'séance du Bureau communautaire',
  'réunions de ce trimestre et du suivant',
  'calendrier annuel',
  'réponses aux convocations',
  'sondage de date',
] as const;

/** The demo's fiches, by the stage each is left at. */
const FICHES = {
  brouillon: fiche('Ludothèque itinérante dans les communes rurales', 'E2', ['E2-OS1'], 'Familles, 0-11 ans'),
  soumise: fiche('Guichet unique d’accès aux droits à France services', 'E3', ['E3-OS2'], 'Tous publics'),
  aRetravailler: fiche('Accueil de loisirs intercommunal le mercredi', 'E2', ['E2-OS1'], 'Enfants de 3 à 12 ans'),
  attentePartenaires: fiche('Parcours d’accompagnement des jeunes parents', 'E2', ['E2-OS1'], 'Parents, 0-3 ans'),
  avisCotech: fiche('Diagnostic partagé des besoins de garde', 'E3', ['E3-OS1'], 'Familles du territoire'),
  decideeCopil: fiche('Séjours jeunesse 12-17 ans', 'E2', ['E2-OS1'], 'Jeunes de 12 à 17 ans'),
  validee: fiche('Réseau des assistantes maternelles', 'E1', ['E1-OS1', 'E1-OS2'], 'Assistantes maternelles'),
  retiree: fiche('Navette vers les accueils de loisirs', 'E3', ['E3-OS2'], 'Enfants de 3 à 12 ans'),
  amendee: fiche('Conseil intercommunal des jeunes', 'E1', ['E1-OS1'], 'Jeunes de 11 à 17 ans'),
} satisfies Record<string, FicheContentEdit>;
type FicheName = keyof typeof FICHES;

/** The GTT drafting each (the demo's gtt-1 petite enfance, gtt-2 enfance, gtt-3 jeunesse): its members are told. */
const DRAFTED_BY: Record<FicheName, string> = {
  brouillon: 'gtt-2',
  soumise: 'gtt-3',
  aRetravailler: 'gtt-2',
  attentePartenaires: 'gtt-1',
  avisCotech: 'gtt-1',
  decideeCopil: 'gtt-3',
  validee: 'gtt-1',
  retiree: 'gtt-2',
  amendee: 'gtt-3',
};

function fiche(title: string, enjeu: string, objectifs: string[], publicVise: string): FicheContentEdit {
  return {
    title,
    enjeu,
    objectifs,
    publicVise,
    partenaires: ['caf-deux-sevres', 'msa-poitou'],
    secteur: 'Mellois en Poitou',
    calendrier: 'Mise en place sur l’année scolaire, bilan en juin.',
    budget: [
      { label: 'Fonctionnement', amount: 12_000, financeur: 'CAF des Deux-Sèvres' },
      { label: 'Coordination', amount: 4_000, financeur: 'Mellois en Poitou' },
    ],
    indicateurs: [{ label: 'Familles touchées', target: 120 }],
  };
}

/**
 * Brings the demo convention to life from `now`: the setup's calendar rules set (the calendar workflow runs), this
 * quarter's and the next's COTECH, COPIL and Bureau meetings convened, the day's three sessions held — the only way
 * an avis or a decision is recorded is in a meeting that has begun — so that fiches stand at every stage, invitations
 * answered, and a date poll open with votes. Everything goes through the use cases the API calls. A convention
 * that has fiches or a running calendar is alive already: nothing is added.
 */
export async function bringDemoToLife(
  deps: Deps,
  conventionId: string,
  options: LiveDemoOptions,
): Promise<LiveDemoSummary> {
  const started = performance.now();
  // The day's sessions happen on the workflows' clock: the injected instant plus the time loading has taken.
  const clock = () => new Date(options.now.getTime() + (performance.now() - started));
  const summary: LiveDemoSummary = { animated: false, meetings: 0, fiches: 0, answers: 0, votes: 0, seconds: 0 };
  const done = () => {
    options.onProgress?.(LIVE_DEMO_STEPS.length, LIVE_DEMO_STEPS.length, summary.animated ? 'terminé' : 'déjà vivante');
    return { ...summary, seconds: Math.round((performance.now() - started) / 100) / 10 };
  };
  if (await isAlive(deps, conventionId)) return done();
  summary.animated = true;
  let step = 0;
  const progress = () => options.onProgress?.(step, LIVE_DEMO_STEPS.length, LIVE_DEMO_STEPS[step++]!);
  const lead = options.sessionLeadMs ?? 20_000;
  const people = await deps.store.conventions.resolveDemoPeople(conventionId);
  const rules = await deps.store.conventions.findMeetingRules(conventionId);

  progress();
  const fiches = {} as Record<FicheName, WorkflowHandle>;
  const ids = {} as Record<FicheName, string>;
  for (const [name, content] of Object.entries(FICHES) as Array<[FicheName, FicheContentEdit]>) {
    const gtt = DRAFTED_BY[name];
    ({ ficheId: ids[name], handle: fiches[name] } = await newFiche(
      deps,
      conventionId,
      people.cooperateur,
      content,
      gtt,
    ));
    summary.fiches += 1;
  }
  const act = <K extends ActionKind>(name: FicheName, kind: K, input: ActionInput<K>) =>
    retried(() => takeStep(fiches[name], kind, input));
  await act('retiree', 'withdraw', {
    actor: people.cooperateur,
    reason: 'Reprise dans la fiche « Accueil de loisirs intercommunal le mercredi ».',
  });

  // Each session is convened before the fiches it decides on reach its body, so they go on its agenda; those
  // reaching a body after its session began go on the next meeting the rules gave.
  const session = (body: Body) => holdSession(deps, conventionId, body, people, clock, lead);
  progress();
  const cotech = await session('cotech');
  const atCotech: FicheName[] = [
    'aRetravailler',
    'attentePartenaires',
    'avisCotech',
    'decideeCopil',
    'validee',
    'amendee',
  ];
  for (const name of atCotech) await act(name, 'submit', { actor: people.cooperateur });
  await cotech.held(atCotech.map((name) => fiches[name]));

  progress();
  const copil = await session('copil');
  await act('aRetravailler', 'recordAvis', {
    actor: people.secretaire,
    outcome: 'a_retravailler',
    comment: 'Préciser les communes desservies et le transport.',
  });
  const toCopil: FicheName[] = ['decideeCopil', 'validee', 'amendee'];
  for (const name of toCopil) {
    await act(name, 'recordAvis', { actor: people.secretaire, outcome: 'favorable', comment: 'Fiche claire.' });
    await bothPartners(act, name, people);
  }
  await copil.held(toCopil.map((name) => fiches[name]));

  progress();
  const bureau = await session('bureau-communautaire');
  for (const name of ['avisCotech', 'attentePartenaires'] as const)
    await act(name, 'recordAvis', { actor: people.secretaire, outcome: 'favorable' });
  await bothPartners(act, 'avisCotech', people);
  await act('attentePartenaires', 'recordPartnerOpinion', { actor: people.caf, partner: 'caf', opinion: 'favorable' });
  await cotech.summarise();
  for (const name of ['validee', 'amendee'] as const)
    await act(name, 'recordCopilDecision', { actor: people.secretaire, outcome: 'adoptee' });
  await bureau.held([fiches.validee, fiches.amendee]);
  await act('decideeCopil', 'recordCopilDecision', { actor: people.secretaire, outcome: 'adoptee' });
  await copil.summarise();
  for (const name of ['validee', 'amendee'] as const)
    await act(name, 'recordBureauValidation', { actor: people.secretaireBureau, outcome: 'validee' });
  await bureau.summarise();
  summary.meetings += 3;

  await act('amendee', 'requestAmendment', {
    actor: people.cooperateur,
    summary: 'Ouvrir le conseil aux jeunes de 18 ans et plus.',
  });
  // The rules' meetings after the sessions: the fiches that reached a body once its session had begun wait for its
  // next meeting, and go on its agenda as it is convened.
  progress();
  const upcoming = await convokeRuleMeetings(deps, conventionId, people.cooperateur, rules, clock());
  summary.meetings += upcoming.length;
  progress();
  await setCalendarRules(deps, conventionId, rules, people.cooperateur, clock());

  const amended = { id: ids.amendee, conventionId, workflowId: fiches.amendee.workflowId };
  await retried(() => editFicheContent(deps, amended, people.cooperateur, { publicVise: 'Jeunes de 11 à 21 ans' }));
  for (const name of ['amendee', 'soumise'] as const) await act(name, 'submit', { actor: people.cooperateur });

  progress();
  summary.answers = await answerInvitations(deps, upcoming, clock);
  progress();
  summary.votes = await openPoll(deps, conventionId, people, options.now);
  return done();
}

/** Alive: the convention has fiches, or its calendar runs. */
async function isAlive(deps: Deps, conventionId: string): Promise<boolean> {
  if ((await deps.store.fiches.list(conventionId)).length > 0) return true;
  try {
    const described = await deps.client.workflow.getHandle(calendarWorkflowId(conventionId)).describe();
    return described.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

interface Upcoming {
  meetingId: string;
  workflowId: string;
  members: string[];
}

/**
 * Convenes the meetings the rules give this quarter and the next whose date a convocation sent today respects (the
 * legal delay; the rules keep to open days), under the calendar's keys, so the calendar finds them convened.
 */
async function convokeRuleMeetings(
  deps: Deps,
  conventionId: string,
  actor: Actor,
  rules: Awaited<ReturnType<Store['conventions']['findMeetingRules']>>,
  now: Date,
): Promise<Upcoming[]> {
  const settings = await deps.store.conventions.findSettings(conventionId);
  const zone = settings.timezone;
  const today = toLocal(now, zone);
  const quarterStart: LocalDate = { year: today.year, month: today.month - ((today.month - 1) % 3), day: 1 };
  const end = fromLocal({ ...shiftMonths(quarterStart, 6), hour: 0, minute: 0 }, zone);
  const years = [...new Set([today.year, toLocal(new Date(end.getTime() - 1), zone).year])];
  const generated = years.flatMap((year) => calendarOfYear(rules, year, parseZone(settings.schoolZone)));
  const convened: Upcoming[] = [];
  for (const meeting of generated) {
    const startsAt = atLocalTime(meeting.day, meeting.hour, meeting.minute, zone);
    if (startsAt >= end || startsAt <= now) continue;
    const { instance, dateOf } = await convocationRules(deps.store, conventionId, meeting.instance);
    if (checkConvocationDate(dateOf(startsAt, now)).breaches.length > 0) continue;
    const scheduled = await scheduleMeeting(
      deps,
      conventionId,
      {
        instance: meeting.instance,
        title: instance.name,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + meeting.durationMinutes * 60_000).toISOString(),
        location: LOCATION,
      },
      actor,
      { now, timing: TIMING, key: calendarMeetingKey(conventionId, meeting.key) },
    );
    convened.push({ meetingId: scheduled.meetingId, workflowId: scheduled.workflowId, members: instance.members });
  }
  return convened;
}

function shiftMonths(day: LocalDate, months: number): LocalDate {
  const index = day.year * 12 + day.month - 1 + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: day.day };
}

/** A fiche of a GTT started and written by the coopérateur, once its workflow has recorded it. */
async function newFiche(deps: Deps, conventionId: string, author: Actor, content: FicheContentEdit, gtt: string) {
  const { ficheId, handle } = await startFiche(
    deps,
    conventionId,
    { title: content.title!, authorEmail: author.email, gtt },
    author.email,
  );
  for (let waited = 0; !(await deps.store.fiches.findRef(ficheId)); waited += 50) {
    if (waited > 60_000) throw new Error(`the demo fiche ${ficheId} was not recorded within a minute`);
    await sleep(50);
  }
  await editFicheContent(deps, { id: ficheId, conventionId, workflowId: handle.workflowId }, author, content);
  return { ficheId, handle };
}

async function bothPartners(
  act: <K extends ActionKind>(name: FicheName, kind: K, input: ActionInput<K>) => Promise<FicheState>,
  name: FicheName,
  people: DemoPeople,
): Promise<void> {
  await act(name, 'recordPartnerOpinion', { actor: people.caf, partner: 'caf', opinion: 'favorable' });
  await act(name, 'recordPartnerOpinion', {
    actor: people.msa,
    partner: 'msa',
    opinion: 'reserve',
    comment: 'Préciser la part de chaque financeur.',
  });
}

/**
 * A session of the day: convened now to begin `lead` ms later, the legal delay set aside with its reason (kept in
 * the meeting's history). `held` waits for the fiches to reach its agenda and for it to begin, then takes the
 * attendance; `summarise` sends the relevé de décisions once its decisions are in.
 */
async function holdSession(
  deps: Deps,
  conventionId: string,
  body: Body,
  people: DemoPeople,
  clock: () => Date,
  lead: number,
) {
  const { instance } = await convocationRules(deps.store, conventionId, body);
  const startsAt = new Date(clock().getTime() + lead);
  const scheduled = await scheduleMeeting(
    deps,
    conventionId,
    {
      instance: body,
      title: `${instance.name} — séance du jour`,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(),
      location: LOCATION,
      override: { reason: SESSION_REASON },
    },
    people.cooperateur,
    { now: clock(), timing: TIMING },
  );
  const meeting = deps.client.workflow.getHandle(scheduled.workflowId);
  const secretary = body === 'bureau-communautaire' ? people.secretaireBureau : people.secretaire;
  return {
    async held(fiches: WorkflowHandle[]): Promise<void> {
      for (const handle of fiches) {
        for (;;) {
          const { agenda, lifecycle } = await handle.query(ficheStateQuery);
          if (agenda?.meetingId === scheduled.meetingId) break;
          if (clock() >= startsAt)
            throw new Error(
              `the demo fiche ${handle.workflowId} (${lifecycle.stage}) did not reach the agenda of ${body} ` +
                `(${scheduled.meetingId}) before it began; its agenda: ${JSON.stringify(agenda)}`,
            );
          await sleep(100);
        }
      }
      await sleep(Math.max(0, startsAt.getTime() - clock().getTime()) + 500);
      const [excused, ...present] = instance.members;
      await retried(() =>
        meeting.executeUpdate(recordAttendanceUpdate, {
          args: [{ actor: secretary, present, excused: excused ? [excused] : [], proxies: [] }],
        }),
      );
    },
    summarise: () => retried(() => meeting.executeUpdate(sendDecisionSummaryUpdate, { args: [{ actor: secretary }] })),
  };
}

/** A step refused as WRONG_STAGE as the workflow has not caught up yet (a placement, a convocation) is tried again. */
async function retried<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      const type = error instanceof WorkflowUpdateFailedError ? (error.cause as { type?: string })?.type : undefined;
      // A minute at most: on a busy worker the mail activities may hold the store's back that long.
      if (type !== 'WRONG_STAGE' || attempt >= 300) throw error;
      await sleep(200);
    }
  }
}

const ANSWERS: readonly RsvpPartStat[] = ['ACCEPTED', 'ACCEPTED', 'DECLINED', 'TENTATIVE'];

/**
 * Members answer the first meetings ahead, as through their answer links (the store records, the workflow is told),
 * once each meeting's convocation has left.
 */
async function answerInvitations(deps: Deps, upcoming: Upcoming[], clock: () => Date): Promise<number> {
  const tell = createRsvpSignaller(deps.client);
  let answers = 0;
  for (const meeting of upcoming.slice(0, 4)) {
    const handle = deps.client.workflow.getHandle(meeting.workflowId);
    for (let waited = 0; (await handle.query(meetingStateQuery)).status !== 'convoquee'; waited += 200) {
      if (waited > 120_000) throw new Error(`the demo meeting ${meeting.meetingId} was not convened within 2 min`);
      await sleep(200);
    }
    for (const [i, email] of meeting.members.slice(0, ANSWERS.length).entries()) {
      const recorded = await deps.store.meetings.recordRsvp({
        meeting: { id: meeting.meetingId },
        email,
        partstat: ANSWERS[i]!,
        source: 'link',
        at: clock(),
      });
      await tell(recorded);
      answers += 1;
    }
  }
  return answers;
}

/**
 * A date poll for the yearly review day of the groupe d'élaboration: answers until ten days from now, three open
 * days the convocation delay allows after that; a few members have voted.
 */
async function openPoll(deps: Deps, conventionId: string, people: DemoPeople, now: Date): Promise<number> {
  const { instance, zone, dateOf } = await convocationRules(deps.store, conventionId, 'groupe-elaboration');
  const settings = await deps.store.conventions.findSettings(conventionId);
  const schoolZone = parseZone(settings.schoolZone);
  const deadline = atLocalTime(nextOpenDay(shiftDate(toLocal(now, zone), 10), schoolZone).date, 12, 0, zone);
  const { delayDays } = dateOf(deadline, deadline);
  const first = toLocal(earliestMeetingDay(deadline, delayDays, zone), zone);
  const days = [0, 7, 14].map((offset) => nextOpenDay(shiftDate(first, offset), schoolZone).date);
  const poll = await startPoll(
    deps,
    conventionId,
    {
      instance: instance.slug,
      title: 'Journée bilan annuel de la CTG',
      description: 'Une journée pour faire le point sur les fiches actions en œuvre et préparer l’année suivante.',
      location: LOCATION,
      deadline: deadline.toISOString(),
      options: days.map((day) => ({ kind: 'journee' as const, date: dateKey(day) })),
    },
    people.cooperateur,
    { now },
  );
  const handle = deps.client.workflow.getHandle(poll.workflowId);
  const patterns = [
    ['oui', 'non', 'oui'],
    ['si_necessaire', 'oui', 'non'],
    ['oui', 'oui', 'si_necessaire'],
  ] as const;
  for (const [i, email] of poll.participants.slice(0, patterns.length).entries()) {
    const answers = Object.fromEntries(poll.options.map((option, j) => [option.id, patterns[i]![j]!]));
    await handle.executeUpdate(voteUpdate, { args: [{ email, answers, signUps: [] }] });
  }
  return Math.min(poll.participants.length, patterns.length);
}

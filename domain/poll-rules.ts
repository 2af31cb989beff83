import type { InstanceKind } from './charter.js';
import { checkMeetingDate } from './calendar-checks.js';
import { DomainError, type FieldIssue } from './errors.js';
import type { Actor } from './lifecycle/model.js';
import { earliestMeetingDay, mayManageMeeting } from './meeting-rules.js';
import { frenchClock } from './french-times.js';
import { atLocalTime, formatFrench, parseDateKey, toLocal, type LocalDate } from './paris-time.js';
import type { Zone } from './school-holidays.js';

/**
 * The rules of a date poll (sondage de date), shared by its workflow, the API and the voting page:
 * what a proposed date is, which days may be proposed, who may organise and close a poll, the
 * sign-up of volunteers, and how the date is chosen. Pure, so workflows may import it.
 */

/** A whole day, a half day (morning or afternoon) or a slot with its own times. */
export const POLL_OPTION_KINDS = ['journee', 'demi_journee', 'creneau'] as const;
export type PollOptionKind = (typeof POLL_OPTION_KINDS)[number];

export const HALF_DAYS = ['matin', 'apres_midi'] as const;
export type HalfDay = (typeof HALF_DAYS)[number];

/** What a participant answers for each proposed date. */
export const POLL_ANSWERS = ['oui', 'si_necessaire', 'non'] as const;
export type PollAnswer = (typeof POLL_ANSWERS)[number];

export const POLL_ANSWER_LABELS: Readonly<Record<PollAnswer, string>> = {
  oui: 'Oui',
  si_necessaire: 'Si nécessaire',
  non: 'Non',
};

/** ouvert (answers taken) · departage (a tie: the organiser chooses) · clos (the date is chosen). */
export const POLL_STATUSES = ['ouvert', 'departage', 'clos'] as const;
export type PollStatus = (typeof POLL_STATUSES)[number];

/** Local times of the kinds that have no times of their own. */
export const DEFAULT_OPTION_TIMES: Readonly<Record<'journee' | HalfDay, { start: string; end: string }>> = {
  journee: { start: '09:00', end: '17:00' },
  matin: { start: '09:00', end: '12:30' },
  apres_midi: { start: '14:00', end: '17:30' },
};

/** A date as the organiser proposes it: a local day, and the times for a slot. */
export type ProposedOption = { date: string; capacity?: number | undefined } & (
  { kind: 'journee' } | { kind: 'demi_journee'; half: HalfDay } | { kind: 'creneau'; start: string; end: string }
);

/** A proposed date once placed in time, as the poll keeps it. */
export interface PollOptionFacts {
  id: string;
  kind: PollOptionKind;
  /** ISO instants. */
  startsAt: string;
  endsAt: string;
  label: string;
  /** Places for volunteers; null: this date takes no sign-up. */
  capacity: number | null;
}

/** One participant's answers: one per proposed date, and the dates they sign up for. */
export interface Ballot {
  answers: Record<string, PollAnswer>;
  signUps: string[];
  /** When it was last changed (ISO). */
  at: string;
}

export interface OptionTally {
  optionId: string;
  oui: number;
  siNecessaire: number;
  non: number;
  volunteers: number;
}

/** Which rule settled the choice: the most oui, then oui + si nécessaire, then the earliest date. */
export type ChoiceReason = 'oui' | 'oui_si_necessaire' | 'earliest';

export type PollChoice =
  { kind: 'chosen'; optionId: string; reason: ChoiceReason } | { kind: 'tie'; optionIds: string[] };

export const CHOICE_REASON_LABELS: Readonly<Record<ChoiceReason, string>> = {
  oui: 'la date qui a recueilli le plus de « oui »',
  oui_si_necessaire: 'à égalité de « oui », la date qui a recueilli le plus de « oui » et de « si nécessaire »',
  earliest: 'à égalité de réponses, la date la plus proche',
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function parseTime(value: string, field: string): { hour: number; minute: number } {
  const match = HHMM.exec(value);
  if (!match)
    throw new DomainError(
      'INVALID_INPUT',
      `« ${field} » doit être une heure au format HH:MM, par exemple 14:00.`,
      field,
    );
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

function parseDay(value: string, field: string): LocalDate {
  try {
    return parseDateKey(value);
  } catch {
    throw new DomainError(
      'INVALID_INPUT',
      `« ${field} » doit être une date au format AAAA-MM-JJ, par exemple 2024-03-26.`,
      field,
    );
  }
}

/** Start and end of a proposed date in `zone`; `field` names it in errors (`options.2`). */
export function optionTimes(option: ProposedOption, zone: string, field = 'option'): { startsAt: Date; endsAt: Date } {
  const day = parseDay(option.date, `${field}.date`);
  const times =
    option.kind === 'creneau'
      ? { start: option.start, end: option.end }
      : DEFAULT_OPTION_TIMES[option.kind === 'journee' ? 'journee' : option.half];
  const start = parseTime(times.start, `${field}.start`);
  const end = parseTime(times.end, `${field}.end`);
  const startsAt = atLocalTime(day, start.hour, start.minute, zone);
  const endsAt = atLocalTime(day, end.hour, end.minute, zone);
  if (endsAt <= startsAt)
    throw new DomainError('INVALID_INPUT', 'Le créneau doit finir après son début.', `${field}.end`);
  return { startsAt, endsAt };
}

/** Morning when it starts before noon, local time. */
export function halfDayOf(startsAt: Date, zone: string): HalfDay {
  return toLocal(startsAt, zone).hour < 12 ? 'matin' : 'apres_midi';
}

/**
 * How people read a proposed date: « mardi 26 mars 2024 (journée) », « vendredi 16 février 2024,
 * matin », « jeudi 4 avril 2024, de 14 h 00 à 16 h 00 ».
 */
export function optionLabel(kind: PollOptionKind, startsAt: Date, endsAt: Date, zone: string): string {
  const day = formatFrench(startsAt, zone);
  if (kind === 'journee') return `${day} (journée)`;
  if (kind === 'demi_journee') return `${day}, ${halfDayOf(startsAt, zone) === 'matin' ? 'matin' : 'après-midi'}`;
  return `${day}, de ${frenchClock(startsAt, zone, 'padded')} à ${frenchClock(endsAt, zone, 'padded')}`;
}

/**
 * Checks the proposed dates against the French calendar: a weekend or a public holiday is refused
 * (every such date listed at once), the same date proposed twice too; a date in the zone's school
 * holidays only gives a warning, returned for the organiser.
 */
export function checkProposedDates(
  options: ReadonlyArray<{ startsAt: Date; endsAt: Date }>,
  zone: string,
  schoolZone: Zone | null,
): { warnings: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const seen = new Map<string, number>();
  options.forEach((option, i) => {
    const field = `options.${i}`;
    const day = toLocal(option.startsAt, zone);
    const check = checkMeetingDate({ year: day.year, month: day.month, day: day.day }, schoolZone);
    const text = formatFrench(option.startsAt, zone);
    if (check.blocked)
      issues.push({
        field,
        message: `Le ${text} tombe un jour sans réunion (${check.blocked}) : proposez un autre jour.`,
      });
    const key = `${option.startsAt.toISOString()}/${option.endsAt.toISOString()}`;
    const twin = seen.get(key);
    if (twin !== undefined)
      issues.push({ field, message: `Le ${text} est proposé deux fois (dates ${twin + 1} et ${i + 1}).` });
    seen.set(key, i);
    for (const message of check.warnings) warnings.push({ field, message });
  });
  if (issues.length > 0) {
    const message =
      issues.length === 1
        ? issues[0]!.message
        : `${issues.length} dates sont à changer : ${issues.map((i) => i.message).join(' ')}`;
    throw new DomainError('INVALID_INPUT', message, issues[0]!.field, issues);
  }
  return { warnings };
}

/** The deadline comes before every proposed date, and after now. */
export function assertDeadline(
  deadline: Date,
  options: ReadonlyArray<{ startsAt: Date }>,
  now: Date,
  zone: string,
): void {
  if (deadline <= now) {
    throw new DomainError(
      'INVALID_INPUT',
      `La date limite de réponse (${formatFrench(deadline, zone, { withTime: true })}) est passée.`,
      'deadline',
    );
  }
  const first = [...options].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
  if (first && first.startsAt <= deadline) {
    throw new DomainError(
      'INVALID_INPUT',
      `La date limite de réponse doit précéder la première date proposée ` +
        `(${formatFrench(first.startsAt, zone, { withTime: true })}).`,
      'deadline',
    );
  }
}

/**
 * The meeting is convened once its date is chosen, at the deadline at the latest: every proposed
 * date must leave the instance's convocation delay (jours francs) after the deadline.
 */
export function assertConvocationDelayAfterDeadline(
  options: ReadonlyArray<{ startsAt: Date }>,
  deadline: Date,
  delayDays: number,
  zone: string,
): void {
  if (delayDays === 0) return;
  const earliest = earliestMeetingDay(deadline, delayDays, zone);
  const issues: FieldIssue[] = options.flatMap((option, i) =>
    option.startsAt < earliest
      ? [{ field: `options.${i}`, message: `Le ${formatFrench(option.startsAt, zone)} est trop tôt.` }]
      : [],
  );
  if (issues.length === 0) return;
  throw new DomainError(
    'CONVOCATION_DELAY',
    `Cette instance se convoque au moins ${delayDays} jours francs à l’avance ` +
      `: avec une réponse attendue le ${formatFrench(deadline, zone)}, ` +
      `la réunion peut avoir lieu au plus tôt le ${formatFrench(earliest, zone)}. ` +
      `${issues.map((i) => i.message).join(' ')} ` +
      'Avancez la date limite ou proposez des dates plus tardives.',
    issues[0]!.field,
    issues,
  );
}

export type PollAction = 'create' | 'close' | 'choose';

const ACTION_LABELS: Record<PollAction, string> = {
  create: 'lancer un sondage de date',
  close: 'clore le sondage',
  choose: 'départager les dates',
};

/**
 * Those who may organise a meeting of the instance may run its polls (coopérateurs, its secretary
 * and president, an admin); the poll's organiser may close it and break its tie.
 */
export function mayManagePoll(instanceKind: InstanceKind, actor: Actor, organizerEmail?: string): boolean {
  return (
    mayManageMeeting(instanceKind, actor) ||
    (organizerEmail !== undefined && actor.email.toLowerCase() === organizerEmail.toLowerCase())
  );
}

export function assertMayManagePoll(
  instanceKind: InstanceKind,
  actor: Actor,
  action: PollAction,
  organizerEmail?: string,
): void {
  if (!mayManagePoll(instanceKind, actor, organizerEmail)) {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seuls l’organisateur du sondage, les coopérateurs, le ou la secrétaire et le président ou la ` +
        `présidente de l’instance peuvent ${ACTION_LABELS[action]} ; ${actor.email} n’a aucun de ces rôles.`,
      'actor',
    );
  }
}

/** Answers and sign-ups while the poll is open; a close while open; a choice during a tie. */
export function assertPollStatus(status: PollStatus, action: 'vote' | 'close' | 'choose'): void {
  if (action === 'choose') {
    if (status === 'departage') return;
    throw new DomainError(
      'WRONG_STAGE',
      status === 'ouvert'
        ? 'Le sondage est encore ouvert : il n’y a rien à départager.'
        : 'La date de ce sondage est déjà choisie.',
    );
  }
  if (status === 'ouvert') return;
  throw new DomainError(
    'WRONG_STAGE',
    status === 'departage'
      ? 'Le sondage est clos : l’organisateur départage les dates arrivées à égalité.'
      : 'Le sondage est clos et la date choisie : les réponses ne sont plus prises.',
  );
}

/**
 * A ballot that may be recorded: from a participant, one answer for every proposed date, sign-ups
 * only on dates that take them, that the participant did not answer « non », and that have a place
 * left (a place already held by this participant stays theirs).
 */
export function assertBallot(
  email: string,
  ballot: Pick<Ballot, 'answers' | 'signUps'>,
  options: readonly PollOptionFacts[],
  participants: readonly string[],
  ballots: Readonly<Record<string, Ballot>>,
): void {
  const voter = email.toLowerCase();
  if (!participants.includes(voter)) {
    throw new DomainError('ROLE_NOT_ALLOWED', `${email} n’est pas parmi les participants de ce sondage.`, 'email');
  }
  const known = new Set(options.map((o) => o.id));
  const unknown = [...Object.keys(ballot.answers), ...ballot.signUps].find((id) => !known.has(id));
  if (unknown !== undefined)
    throw new DomainError(
      'INVALID_INPUT',
      `Aucune date de ce sondage ne porte l’identifiant « ${unknown} ».`,
      'answers',
    );
  const missing = options.filter((o) => ballot.answers[o.id] === undefined);
  if (missing.length > 0) {
    throw new DomainError(
      'INVALID_INPUT',
      `Répondez pour chaque date : il manque ${missing.map((o) => `« ${o.label} »`).join(', ')}.`,
      `answers.${missing[0]!.id}`,
    );
  }
  const previous = ballots[voter];
  for (const optionId of new Set(ballot.signUps)) {
    const option = options.find((o) => o.id === optionId)!;
    if (ballot.answers[optionId] === 'non') {
      throw new DomainError(
        'INVALID_INPUT',
        `Vous avez répondu « non » pour le ${option.label} : vous ne pouvez pas vous y inscrire.`,
        'signUps',
      );
    }
    if (previous?.signUps.includes(optionId)) continue;
    assertPlaceLeft(option, volunteersFor(optionId, ballots));
  }
}

/** Refuses a sign-up on a date that takes none, or that is full. */
export function assertPlaceLeft(option: PollOptionFacts, volunteers: number): void {
  if (option.capacity === null) {
    throw new DomainError(
      'INVALID_INPUT',
      `Le ${option.label} ne prend pas d’inscriptions : indiquez seulement votre disponibilité.`,
      'signUps',
    );
  }
  if (volunteers >= option.capacity) {
    throw new DomainError(
      'CAPACITY_FULL',
      `Le ${option.label} est complet (${option.capacity} place${option.capacity > 1 ? 's' : ''}, ` +
        `toutes prises) : inscrivez-vous sur une autre date.`,
      'signUps',
    );
  }
}

export function volunteersFor(optionId: string, ballots: Readonly<Record<string, Ballot>>): number {
  return Object.values(ballots).filter((b) => b.signUps.includes(optionId)).length;
}

/** Counts the answers and the volunteers of each date, in the options' order. */
export function tallyPoll(
  options: ReadonlyArray<{ id: string }>,
  ballots: Readonly<Record<string, Ballot>>,
): OptionTally[] {
  return options.map(({ id }) => {
    const tally: OptionTally = { optionId: id, oui: 0, siNecessaire: 0, non: 0, volunteers: 0 };
    for (const ballot of Object.values(ballots)) {
      const answer = ballot.answers[id];
      if (answer === 'oui') tally.oui += 1;
      else if (answer === 'si_necessaire') tally.siNecessaire += 1;
      else if (answer === 'non') tally.non += 1;
      if (ballot.signUps.includes(id)) tally.volunteers += 1;
    }
    return tally;
  });
}

/**
 * The date a poll settles on: the most « oui »; among those equal, the most « oui » + « si
 * nécessaire »; among those still equal, the earliest start. Dates that start at the same instant
 * and are equal on both counts are a tie, put to the organiser (the ids in the options' order).
 */
export function choosePollOption(
  options: ReadonlyArray<{ id: string; startsAt: string }>,
  tallies: readonly OptionTally[],
): PollChoice {
  if (options.length === 0) throw new RangeError('choosePollOption: a poll has at least one option');
  const byId = new Map(tallies.map((t) => [t.optionId, t]));
  const counts = (id: string) => {
    const t = byId.get(id);
    return { oui: t?.oui ?? 0, both: (t?.oui ?? 0) + (t?.siNecessaire ?? 0) };
  };
  const best = <T>(rows: T[], score: (row: T) => number) => {
    const top = Math.max(...rows.map(score));
    return rows.filter((row) => score(row) === top);
  };
  const withMostOui = best([...options], (o) => counts(o.id).oui);
  if (withMostOui.length === 1) return { kind: 'chosen', optionId: withMostOui[0]!.id, reason: 'oui' };
  const withMostBoth = best(withMostOui, (o) => counts(o.id).both);
  if (withMostBoth.length === 1) return { kind: 'chosen', optionId: withMostBoth[0]!.id, reason: 'oui_si_necessaire' };
  const earliest = best(withMostBoth, (o) => -Date.parse(o.startsAt));
  if (earliest.length === 1) return { kind: 'chosen', optionId: earliest[0]!.id, reason: 'earliest' };
  return { kind: 'tie', optionIds: earliest.map((o) => o.id) };
}

/** Ballots from the stored votes (one row per participant and date), by lower-cased address. */
export function ballotsFromVotes(
  votes: ReadonlyArray<{ optionId: string; voterEmail: string; answer: string; volunteer: boolean; updatedAt: Date }>,
): Record<string, Ballot> {
  const ballots: Record<string, Ballot> = {};
  for (const vote of votes) {
    const email = vote.voterEmail.toLowerCase();
    const ballot = (ballots[email] ??= { answers: {}, signUps: [], at: vote.updatedAt.toISOString() });
    if ((POLL_ANSWERS as readonly string[]).includes(vote.answer))
      ballot.answers[vote.optionId] = vote.answer as PollAnswer;
    if (vote.volunteer) ballot.signUps.push(vote.optionId);
    if (vote.updatedAt.toISOString() > ballot.at) ballot.at = vote.updatedAt.toISOString();
  }
  return ballots;
}

/**
 * Who a poll asks: its participants, who must be persons of the convention, and outside addresses
 * only when the organiser lists them again under `outsiders`, one by one (a poll mails everyone it
 * asks: it must not become a way to mail anyone). Refuses, naming them, the outside addresses not
 * confirmed. Addresses lower-cased, sorted, once each.
 */
export function pollInvitees(
  participants: readonly string[],
  conventionMembers: ReadonlySet<string>,
  outsiders: readonly string[] = [],
): string[] {
  const confirmed = new Set(outsiders.map((e) => e.toLowerCase()));
  const invitees = [...new Set([...participants, ...outsiders].map((e) => e.toLowerCase()))].sort();
  const unconfirmed = invitees.filter((e) => !conventionMembers.has(e) && !confirmed.has(e));
  if (unconfirmed.length > 0) {
    throw new DomainError(
      'INVALID_INPUT',
      `${unconfirmed.length > 1 ? 'Ces adresses ne sont' : 'Cette adresse n’est'} d’aucun membre de la ` +
        `convention : ${unconfirmed.join(', ')}. Pour ${unconfirmed.length > 1 ? 'les' : 'l’'}inviter quand même, ` +
        'confirmez-les en les listant aussi dans « outsiders ».',
      'participants',
    );
  }
  return invitees;
}

import type { Charter, InstanceKind } from './charter.js';
import { DomainError, type FieldIssue } from './errors.js';
import type { Actor } from './lifecycle/model.js';
import { previousWorkingDay } from './calendar-checks.js';
import { addLocalDays, atLocalTime, dateKey, formatFrench, shiftDate, toLocal, type LocalDate } from './paris-time.js';

/**
 * The rules of a meeting of an instance, shared by the meeting workflow, the API and the CLI:
 * who may organise it, the legal convocation delay, when reminders fall, attendance and quorum.
 */

/** planifiee (created, convocation not yet sent) · convoquee · tenue (attendance recorded) · annulee */
export const MEETING_STATUSES = ['planifiee', 'convoquee', 'tenue', 'annulee'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const PARTSTATS = ['NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE'] as const;
export type PartStat = (typeof PARTSTATS)[number];

/** An answer to an invitation (RFC 5545 PARTSTAT) as pages and the CLI write it. */
export const PARTSTAT_LABELS: Readonly<Record<PartStat, string>> = {
  ACCEPTED: 'participera',
  TENTATIVE: 'peut-être',
  DECLINED: 'ne participera pas',
  'NEEDS-ACTION': 'en attente',
};

/** An answer a person can give; NEEDS-ACTION is where everyone starts, not an answer. */
export type RsvpPartStat = Exclude<PartStat, 'NEEDS-ACTION'>;
export const RSVP_PARTSTATS: readonly RsvpPartStat[] = ['ACCEPTED', 'TENTATIVE', 'DECLINED'];

/** J-7 and J-1, unless the instance sets its own. */
export const DEFAULT_REMINDER_DAYS: readonly number[] = [7, 1];

/** Attendance as the secretary records it: each member at most once. */
export interface Attendance {
  present: string[];
  excused: string[];
  /** A pouvoir: `from` (absent) gives their vote to `to` (present). */
  proxies: Array<{ from: string; to: string }>;
}

export type MeetingAction =
  | 'schedule'
  | 'reschedule'
  | 'cancel'
  | 'editAgenda'
  | 'recordAttendance'
  | 'recordItemDecision'
  | 'sendDecisionSummary'
  | 'fileMinutes';

const ACTION_LABELS: Record<MeetingAction, string> = {
  schedule: 'planifier une réunion',
  reschedule: 'déplacer la réunion',
  cancel: 'annuler la réunion',
  editAgenda: 'modifier l’ordre du jour',
  recordAttendance: 'enregistrer les présences',
  recordItemDecision: 'enregistrer une décision de la séance',
  sendDecisionSummary: 'envoyer le relevé de décisions',
  fileMinutes: 'déposer le compte rendu',
};

const STATUS_LABELS: Record<MeetingStatus, string> = {
  planifiee: 'planifiée',
  convoquee: 'convoquée',
  tenue: 'tenue',
  annulee: 'annulée',
};

/**
 * Coopérateurs organise the partnership's meetings; within an instance its secretary and its
 * president do; an admin may always, to correct the record.
 */
export function mayManageMeeting(instanceKind: InstanceKind, actor: Actor): boolean {
  if (actor.appRole === 'admin' || actor.appRole === 'cooperateur') return true;
  return (actor.instanceRoles[instanceKind] ?? []).some((role) => role === 'secretaire' || role === 'president');
}

export function assertMayManageMeeting(instanceKind: InstanceKind, actor: Actor, action: MeetingAction): void {
  if (!mayManageMeeting(instanceKind, actor)) {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seuls les coopérateurs, le ou la secrétaire et le président ou la présidente de ` +
        `l’instance peuvent ${ACTION_LABELS[action]} ; ${actor.email} n’a aucun de ces rôles.`,
      'actor',
    );
  }
}

/** Which statuses each action applies to, and when relative to the meeting's start. */
export function assertMeetingAction(action: MeetingAction, status: MeetingStatus, startsAt: Date, now: Date): void {
  const allowed: Record<MeetingAction, readonly MeetingStatus[]> = {
    schedule: ['planifiee'],
    reschedule: ['planifiee', 'convoquee'],
    cancel: ['planifiee', 'convoquee'],
    editAgenda: ['planifiee', 'convoquee'],
    recordAttendance: ['convoquee', 'tenue'],
    recordItemDecision: ['convoquee', 'tenue'],
    sendDecisionSummary: ['tenue'],
    fileMinutes: ['tenue'],
  };
  if (!allowed[action].includes(status)) {
    const hint =
      action === 'sendDecisionSummary' || action === 'fileMinutes' ? ' Enregistrez d’abord les présences.' : '';
    throw new DomainError(
      'WRONG_STAGE',
      `Impossible de ${ACTION_LABELS[action]} : la réunion est ${STATUS_LABELS[status]}.${hint}`,
    );
  }
  if ((action === 'recordAttendance' || action === 'recordItemDecision') && now < startsAt) {
    const what = action === 'recordAttendance' ? 'Les présences s’enregistrent' : 'Les décisions s’enregistrent';
    throw new DomainError('WRONG_STAGE', `${what} à partir du début de la réunion (${formatFrench(startsAt)}).`);
  }
  if (action === 'editAgenda' && now >= startsAt) {
    throw new DomainError(
      'WRONG_STAGE',
      `La réunion a commencé (${formatFrench(startsAt)}) : son ordre du jour ne change plus.`,
    );
  }
  if ((action === 'reschedule' || action === 'cancel') && now >= startsAt) {
    throw new DomainError(
      'WRONG_STAGE',
      `La réunion a commencé (${formatFrench(startsAt)}) : elle ne peut plus être ` +
        `${action === 'cancel' ? 'annulée' : 'déplacée'} ; enregistrez les présences.`,
    );
  }
}

/** The instance's own delay, else the charter's for its kind, else none. */
export function convocationDelayFor(
  charter: Charter,
  instanceKind: InstanceKind,
  instanceDelay: number | null | undefined,
): number {
  return instanceDelay ?? charter.convocationDelayDays[instanceKind] ?? 0;
}

/**
 * The first local day a meeting may be held when convened at `convenedAt`, with `delayDays`
 * jours francs: neither the day the convocation leaves nor the day of the meeting count, so a
 * convocation sent on the 1st with 5 jours francs allows a meeting on the 7th.
 */
export function earliestMeetingDay(convenedAt: Date, delayDays: number, zone: string): Date {
  const day = toLocal(convenedAt, zone);
  return atLocalTime(toLocal(addLocalDays(atLocalTime(day, 12, 0, zone), delayDays + 1, zone), zone), 0, 0, zone);
}

/** A reminder before a meeting: when it goes, and how many days before the meeting's local day. */
export interface ReminderTime {
  at: Date;
  /** As configured (J-7, J-1): names the reminder, whatever day it moved to. */
  daysBefore: number;
  /** Days between the day it goes and the meeting's day: more than `daysBefore` once moved. */
  daysAhead: number;
}

/**
 * When the reminders before a meeting fall: `daysBefore` days before its local day, at `hour`
 * local time, or with `workingDays` on the working day before when that day is a weekend or a
 * public holiday (two reminders landing on the same day go once, as the nearer one); those
 * already past at `now`, or after the meeting starts, are dropped. Soonest first.
 */
export function reminderTimes(
  startsAt: Date,
  days: readonly number[],
  hour: number,
  zone: string,
  now: Date,
  options: { workingDays?: boolean } = {},
): ReminderTime[] {
  const local = toLocal(startsAt, zone);
  const meetingDay = { year: local.year, month: local.month, day: local.day };
  const byDay = new Map<string, ReminderTime>();
  for (const daysBefore of [...new Set(days)].sort((a, b) => a - b)) {
    const nominal = shiftDate(meetingDay, -daysBefore);
    const day = options.workingDays ? previousWorkingDay(nominal) : nominal;
    const key = dateKey(day);
    if (byDay.has(key)) continue;
    byDay.set(key, {
      at: atLocalTime(day, hour, 0, zone),
      daysBefore,
      daysAhead: daysBefore + daysBetween(day, nominal),
    });
  }
  return [...byDay.values()]
    .filter(({ at }) => at > now && at < startsAt)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Whole days from `from` to `to` (local dates). */
function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 864e5);
}

/**
 * Checks recorded attendance against the members: each one at most once, a pouvoir given by an
 * excused or absent member to a present one, at most `maxProxiesPerHolder` per holder (the instance's
 * seat rules, domain/meeting-seats.ts; CGCT L2121-20: one).
 */
export function checkAttendance(
  attendance: Attendance,
  members: readonly string[],
  maxProxiesPerHolder = 1,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const known = new Set(members.map((m) => m.toLowerCase()));
  const seen = new Map<string, string>();
  const note = (field: string, email: string) => {
    const key = email.toLowerCase();
    if (!known.has(key)) issues.push({ field, message: `${email} n’est pas membre de cette instance.` });
    else if (seen.has(key))
      issues.push({ field, message: `${email} figure deux fois (${seen.get(key)} et ${field}).` });
    else seen.set(key, field);
  };
  attendance.present.forEach((email, i) => note(`present.${i}`, email));
  attendance.excused.forEach((email, i) => note(`excused.${i}`, email));
  const present = new Set(attendance.present.map((e) => e.toLowerCase()));
  const holders = new Map<string, string[]>();
  const givers = new Set<string>();
  attendance.proxies.forEach(({ from, to }, i) => {
    const field = `proxies.${i}`;
    if (!known.has(from.toLowerCase()))
      issues.push({ field: `${field}.from`, message: `${from} n’est pas membre de cette instance.` });
    else if (present.has(from.toLowerCase()))
      issues.push({
        field: `${field}.from`,
        message: `${from} est présent(e) : un membre présent ne donne pas de pouvoir.`,
      });
    else if (givers.has(from.toLowerCase()))
      issues.push({ field: `${field}.from`, message: `${from} a déjà donné un pouvoir.` });
    givers.add(from.toLowerCase());
    if (!present.has(to.toLowerCase()))
      issues.push({ field: `${field}.to`, message: `${to} doit être présent(e) pour recevoir un pouvoir.` });
    else if ((holders.get(to.toLowerCase()) ?? []).length >= maxProxiesPerHolder)
      issues.push({
        field: `${field}.to`,
        message:
          `${to} porte déjà le pouvoir de ${holders.get(to.toLowerCase())!.join(', ')} : ` +
          (maxProxiesPerHolder === 1
            ? 'un membre ne porte qu’un pouvoir.'
            : `un membre ne porte que ${maxProxiesPerHolder} pouvoirs.`),
      });
    holders.set(to.toLowerCase(), [...(holders.get(to.toLowerCase()) ?? []), from]);
  });
  return issues;
}

export function assertAttendance(attendance: Attendance, members: readonly string[], maxProxiesPerHolder = 1): void {
  const issues = checkAttendance(attendance, members, maxProxiesPerHolder);
  if (issues.length > 0) {
    throw new DomainError(
      'INVALID_INPUT',
      `Les présences sont à corriger : ${issues.map((i) => i.message).join(' ')}`,
      issues[0]!.field,
      issues,
    );
  }
}

/**
 * Quorum counts the members present, not the pouvoirs (CGCT L2121-17): the instance's own quorum
 * when it has one, else more than half of its members.
 */
export function quorumReached(presentCount: number, memberCount: number, quorum: number | null | undefined): boolean {
  return presentCount >= (quorum ?? Math.floor(memberCount / 2) + 1);
}

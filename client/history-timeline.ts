/**
 * A workflow's history as a French timeline for people: who did what, when (Europe/Paris), with
 * the mails' ledger lines beside the step that sent them. Pure: it reads a history as
 * `handle.fetchHistory()` gives it and the ledger rows of that workflow, and is shared by the
 * admin pages, `GET /api/workflows/:id/timeline` and the CLI's `concerto history`.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { INSTANCE_KIND_LABELS, type InstanceKind } from '../domain/charter.js';
import {
  AVIS_LABELS,
  BUREAU_OUTCOME_LABELS,
  COPIL_OUTCOME_LABELS,
  PARTNER_LABELS,
  PARTNER_OPINION_LABELS,
  STAGE_LABELS,
} from '../domain/lifecycle/labels.js';
import type { Stage } from '../domain/lifecycle/vocabulary.js';
import { formatFrench, formatFrenchDate, parseDateKey } from '../domain/paris-time.js';
import { UNDELIVERED_LABELS } from '../documents/mail/delivery-alert.js';
import { renderNotice, type NoticeContent } from '../documents/mail/notices/render-notice.js';
import {
  ACTIVITY_LABELS,
  ATTEMPT_LABELS,
  MEETING_MAIL_LABELS,
  PARTSTAT_LABELS,
  POLL_MAIL_LABELS,
  SIGNAL_LABELS,
  UPDATE_LABELS,
  WORKFLOW_LABELS,
} from './timeline-labels.js';
import type { LedgerLine } from '../store/mail-ledger/workflow-mail-ledger.js';

const ZONE = 'Europe/Paris';
/** Who acts when no person does: the workflow itself, through its activities and timers. */
export const SYSTEM_ACTOR = 'Concerto';

export interface TimelineMail {
  recipient: string;
  subject: string;
  /** For a mail that will not reach its recipient: why, in French, with the server's answer. */
  undelivered?: string;
  attempts: Array<{ attempt: number; outcome: string; label: string; at: string; when: string; error?: string }>;
}

export type TimelineKind = 'workflow' | 'update' | 'signal' | 'activity' | 'mail' | 'timer' | 'child' | 'continue';

export interface TimelineEntry {
  /** The history event the entry starts at. */
  eventId: number;
  kind: TimelineKind;
  /** ISO instant. */
  at: string;
  /** « mardi 16 juin 2026 à 14 h 00 », in Paris. */
  when: string;
  /** An address, or {@link SYSTEM_ACTOR}. */
  who: string;
  /** What happened, in French. */
  what: string;
  /** How it ended, in French, once it has (« fait », « échec : … », « en cours »). */
  outcome: string;
  failed: boolean;
  /**
   * For mails: their ledger lines, when the ledger has them; one per recipient of a notice sent to
   * several people in one activity.
   */
  mails?: TimelineMail[];
}

type HistoryEvent = NonNullable<History['events']>[number];
type ProtoTime = { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined;

/** Milliseconds of a protobuf Timestamp or Duration, whether its seconds came as a Long (from the
 * server) or as a number (from a history read back from JSON). */
function protoMs(time: ProtoTime): number {
  const seconds = time?.seconds ?? 0;
  return (typeof seconds === 'number' ? seconds : seconds.toNumber()) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}
const eventDate = (event: HistoryEvent) => new Date(protoMs(event.eventTime));
type Payloads = { payloads?: Parameters<typeof defaultPayloadConverter.fromPayload>[0][] | null } | null | undefined;
type Input = Record<string, unknown> & { actor?: { email?: string }; email?: string };

/** The first argument of a payload list, decoded; null when missing or not JSON. */
function firstArg(payloads: Payloads): Input | null {
  const first = payloads?.payloads?.[0];
  if (!first) return null;
  try {
    const value: unknown = defaultPayloadConverter.fromPayload(first);
    return value && typeof value === 'object' ? (value as Input) : null;
  } catch {
    return null;
  }
}

const labelOf = (table: Readonly<Record<string, string>>, name: string | null | undefined) =>
  name ? (table[name] ?? `« ${name} »`) : '« ? »';
const instanceLabel = (kind: unknown) =>
  typeof kind === 'string' && kind in INSTANCE_KIND_LABELS ? INSTANCE_KIND_LABELS[kind as InstanceKind] : String(kind);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
const failureText = (
  failure: { message?: string | null; cause?: { message?: string | null } | null } | null | undefined,
) => `échec : ${failure?.cause?.message || failure?.message || 'sans message'}`;

/** The update's input, said in a few French words: the decision it records. */
function updateDetail(name: string, input: Input | null): string {
  if (!input) return '';
  const outcome = str(input.outcome);
  switch (name) {
    case 'recordAvis':
      return outcome ? ` : ${AVIS_LABELS[outcome as keyof typeof AVIS_LABELS] ?? outcome}` : '';
    case 'recordCopilDecision':
      return outcome ? ` : ${COPIL_OUTCOME_LABELS[outcome as keyof typeof COPIL_OUTCOME_LABELS] ?? outcome}` : '';
    case 'recordBureauValidation':
      return outcome ? ` : ${BUREAU_OUTCOME_LABELS[outcome as keyof typeof BUREAU_OUTCOME_LABELS] ?? outcome}` : '';
    case 'recordPartnerOpinion': {
      const partner = PARTNER_LABELS[input.partner as keyof typeof PARTNER_LABELS] ?? str(input.partner) ?? '';
      const opinion =
        PARTNER_OPINION_LABELS[input.opinion as keyof typeof PARTNER_OPINION_LABELS] ?? str(input.opinion) ?? '';
      return ` (${partner}) : ${opinion}`;
    }
    case 'reschedule':
      return str(input.startsAt)
        ? ` au ${formatFrench(new Date(input.startsAt as string), ZONE, { withTime: true })}`
        : '';
    case 'withdraw':
    case 'close':
    case 'cancel':
      return str(input.reason) ? ` (motif : ${input.reason as string})` : '';
    case 'prolong':
      return str(input.newEndDate) ? ` jusqu’au ${formatFrenchDate(parseDateKey(input.newEndDate as string))}` : '';
    case 'recordEvaluation':
      return typeof input.year === 'number' ? ` ${input.year}` : '';
    default:
      return '';
  }
}

/**
 * An imported fiche's start (workflows/definitions.ts' ImportedStart): who imported it, and at which
 * stage and versions it was taken up, with how many decisions.
 */
function importedStart(input: Input | null): { by: string; what: string } | undefined {
  const imported = input?.imported as
    | {
        by?: unknown;
        lifecycle?: {
          stage?: unknown;
          versionInForce?: unknown;
          review?: { version?: unknown } | null;
          history?: unknown[];
        };
      }
    | undefined;
  const by = str(imported?.by);
  if (!imported || !by) return undefined;
  const lifecycle = imported.lifecycle ?? {};
  const stage = STAGE_LABELS[lifecycle.stage as Stage] ?? str(lifecycle.stage) ?? '?';
  const versions = [
    typeof lifecycle.versionInForce === 'number' ? `version ${lifecycle.versionInForce} en vigueur` : '',
    typeof lifecycle.review?.version === 'number' ? `version ${lifecycle.review.version} à l’examen` : '',
  ].filter(Boolean);
  const decisions = Array.isArray(lifecycle.history) ? lifecycle.history.length : 0;
  return {
    by,
    what:
      ` — importée en cours de route au stade « ${stage} »${versions.length ? ` (${versions.join(', ')})` : ''}` +
      `, ${decisions} décision${decisions > 1 ? 's' : ''} reprise${decisions > 1 ? 's' : ''}`,
  };
}

/** A signal's input, said in a few French words. */
function signalDetail(name: string, input: Input | null): string {
  if (!input) return '';
  if (name === 'meetingScheduled') return ` (${instanceLabel(input.instanceKind)})`;
  if (name === 'rsvp')
    return (
      ` : ` +
      `${PARTSTAT_LABELS[str(input.partstat) ?? ''] ?? str(input.partstat) ?? ''}${
        (
          {
            imip: ' (depuis l’agenda)',
            caldav: ' (depuis l’agenda relié)',
            link: ' (par le lien du courriel)',
          } as Record<string, string>
        )[str(input.source) ?? ''] ?? ''
      }`
    );
  return '';
}

/** A notice sent as facts (activities/mail.ts' NoticeInput) is named by the subject it is worded with. */
function noticeSubject(notice: unknown): string {
  return typeof notice === 'object' && notice !== null ? renderNotice(notice as NoticeContent).subject : '';
}

/** A mail activity's lines, found in the ledger: by their keys, or by the prefix of a sending's keys. */
type MailLines = { keys: string[] } | { prefixes: string[] };

/**
 * A notice to several people in one activity (activities/mail.ts' NoticeResult), named in French,
 * with where its ledger lines are: each `<prefix><recipient>`, the recipients known from the input
 * or, for an audience read by the activity, from its result.
 */
function batchOf(name: string, input: Input | null): { what: string; lines: MailLines } | null {
  if (!input) return null;
  const base = `${str(input.workflowId) ?? ''}:${str(input.occasion) ?? ''}:`;
  const to = Array.isArray(input.to) ? input.to : Array.isArray(input.recipients) ? input.recipients : null;
  const named = (what: string, prefix: string): { what: string; lines: MailLines } => ({
    what: to ? `${what} à ${to.length} destinataire${to.length > 1 ? 's' : ''}` : what,
    lines: to ? { keys: to.map((recipient) => `${prefix}${String(recipient)}`) } : { prefixes: [prefix] },
  });
  switch (name) {
    case 'sendNotice':
      return named(`Courriel « ${noticeSubject(input.notice)} »`, base);
    case 'sendFicheNotices': {
      // Since 'notices-coalesced', the sendings of one or more occasions; before, one occasion's notices.
      const sendings = (Array.isArray(input.sendings) ? input.sendings : [input]) as Input[];
      const notices = sendings.flatMap((sending) =>
        (Array.isArray(sending.notices) ? (sending.notices as Array<{ step?: unknown; content?: unknown }>) : []).map(
          (notice) => ({ ...notice, prefix: `${str(input.workflowId) ?? ''}:${str(sending.occasion) ?? ''}:` }),
        ),
      );
      const subjects = notices.map((n) => `« ${noticeSubject(n.content)} »`);
      return {
        what: `Courriel${notices.length > 1 ? 's' : ''} ${subjects.join(', ')}`,
        lines: { prefixes: notices.map((n) => `${n.prefix}${str(n.step) ?? ''}:`) },
      };
    }
    case 'askPartnerOpinions': {
      const partners = (Array.isArray(input.partners) ? input.partners : []) as Array<{
        partner?: unknown;
        occasion?: unknown;
      }>;
      const names = partners.map((p) => PARTNER_LABELS[p.partner as keyof typeof PARTNER_LABELS] ?? str(p.partner));
      return {
        what: `${ACTIVITY_LABELS.askPartnerOpinions} (${names.join(', ')})`,
        lines: { prefixes: partners.map((p) => `${str(input.workflowId) ?? ''}:${str(p.occasion) ?? ''}:`) },
      };
    }
    case 'sendMeetingMails':
      return named(labelOf(MEETING_MAIL_LABELS, str(input.kind)), base);
    case 'sendPollMails':
      return named(labelOf(POLL_MAIL_LABELS, str(input.kind)), base);
    default:
      return null;
  }
}

/** The mail an activity sends, named in French, with the ledger key it is written under. */
function mailOf(
  name: string,
  input: Input | null,
  workflowId: string,
): { what: string; recipient: string; key: string } | null {
  if (!input) return null;
  const recipient = str(input.recipient) ?? str(input.to) ?? '';
  if (name === 'sendNotification')
    return {
      what: `Courriel « ${str(input.subject) ?? noticeSubject(input.notice)} » à ${recipient}`,
      recipient,
      key: str(input.idempotencyKey) ?? '',
    };
  const table = name === 'sendMeetingMail' ? MEETING_MAIL_LABELS : name === 'sendPollMail' ? POLL_MAIL_LABELS : null;
  if (!table) return null;
  // The key the mail activities give the ledger (activities/meeting-mail.ts, activities/poll-mail.ts).
  return {
    what: `${labelOf(table, str(input.kind))} à ${recipient}`,
    recipient,
    key: `${workflowId}:${str(input.occasion) ?? ''}:${recipient}`,
  };
}

/** « non remis (adresse refusée par le serveur du destinataire) : 550 5.1.1 … » for a line failed or bounced. */
function undeliveredText(line: LedgerLine): string | undefined {
  if (line.status !== 'failed' && line.status !== 'bounced') return undefined;
  // activities/mail.ts starts the error of a line given up on with this label.
  if (line.lastError?.startsWith(UNDELIVERED_LABELS.unreachable))
    return `non remis (${UNDELIVERED_LABELS.unreachable})`;
  const answer = line.lastResponse ?? line.lastError;
  const why = UNDELIVERED_LABELS[line.status === 'bounced' ? 'bounced' : 'refused'];
  return `non remis (${why})${answer ? ` : ${answer}` : ''}`;
}

function mailLine(line: LedgerLine): TimelineMail {
  const undelivered = undeliveredText(line);
  return {
    recipient: line.recipient,
    subject: line.subject,
    ...(undelivered ? { undelivered } : {}),
    attempts: [...line.attempts]
      .sort((a, b) => a.attempt - b.attempt)
      .map((a) => ({
        attempt: a.attempt,
        outcome: a.outcome,
        label: ATTEMPT_LABELS[a.outcome] ?? a.outcome,
        at: a.at.toISOString(),
        when: formatFrench(a.at, ZONE, { withTime: true }),
        ...(a.error ? { error: a.error } : {}),
      })),
  };
}

/** A timer's length, in French words: « 3 j 4 h », « 16 h 45 min », « 30 s ». */
function durationText(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const parts = [d ? `${d} j` : '', h ? `${h} h` : '', !d && m ? `${m} min` : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : `${Math.max(1, Math.round(seconds))} s`;
}

/**
 * The timeline of one workflow run, oldest first. Activities, updates, timers and child
 * workflows become one entry each, from when they started, with how they ended; a mail's entry
 * carries its ledger line (`ledger`: the Notification rows of this workflow). Workflow tasks and
 * other bookkeeping events are left out.
 */
export function buildTimeline(
  workflowId: string,
  history: History,
  ledger: readonly LedgerLine[] = [],
): TimelineEntry[] {
  const byKey = new Map(ledger.map((line) => [line.idempotencyKey, line]));
  const linesOf = (where: MailLines): TimelineMail[] =>
    ('keys' in where
      ? where.keys.flatMap((key) => byKey.get(key) ?? [])
      : ledger.filter((line) => where.prefixes.some((prefix) => line.idempotencyKey.startsWith(prefix)))
    ).map(mailLine);
  const entries: TimelineEntry[] = [];
  const byEventId = new Map<number, TimelineEntry>();
  const timers = new Map<string, TimelineEntry>();
  // Attempts as the worker saw them, from the started event, for activities that were retried.
  const attempts = new Map<number, number>();

  const add = (
    event: HistoryEvent,
    entry: Omit<TimelineEntry, 'eventId' | 'at' | 'when' | 'failed' | 'outcome'> & {
      outcome?: string;
      failed?: boolean;
    },
  ) => {
    const at = eventDate(event);
    const full: TimelineEntry = {
      eventId: Number(event.eventId),
      at: at.toISOString(),
      when: formatFrench(at, ZONE, { withTime: true }),
      outcome: 'en cours',
      failed: false,
      ...entry,
    };
    entries.push(full);
    byEventId.set(full.eventId, full);
    return full;
  };
  const settle = (eventId: unknown, outcome: string, failed = false) => {
    const entry = byEventId.get(Number(eventId));
    if (entry) Object.assign(entry, { outcome, failed });
  };

  for (const event of history.events ?? []) {
    const started = event.workflowExecutionStartedEventAttributes;
    if (started) {
      const input = firstArg(started.input);
      const imported = importedStart(input);
      const who = imported?.by ?? str(input?.authorEmail) ?? str(input?.organizerEmail) ?? SYSTEM_ACTOR;
      const title = str(input?.title);
      const startsAt = str(input?.startsAt);
      const about = title
        ? ` « ${title} »`
        : startsAt
          ? ` du ${formatFrench(new Date(startsAt), ZONE, { withTime: true })}`
          : '';
      add(event, {
        kind: 'workflow',
        who,
        what: `Début : ${labelOf(WORKFLOW_LABELS, started.workflowType?.name)}${about}${imported?.what ?? ''}`,
        outcome: 'lancé',
      });
      continue;
    }
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted) {
      const name = accepted.acceptedRequest?.input?.name ?? '';
      const input = firstArg(accepted.acceptedRequest?.input?.args);
      const who = str(input?.actor?.email) ?? str(input?.email) ?? SYSTEM_ACTOR;
      add(event, { kind: 'update', who, what: `${labelOf(UPDATE_LABELS, name)}${updateDetail(name, input)}` });
      continue;
    }
    const updated = event.workflowExecutionUpdateCompletedEventAttributes;
    if (updated) {
      const failure = updated.outcome?.failure;
      settle(updated.acceptedEventId, failure ? `refusé : ${failure.message ?? ''}` : 'fait', Boolean(failure));
      continue;
    }
    const signaled = event.workflowExecutionSignaledEventAttributes;
    if (signaled) {
      const name = signaled.signalName ?? '';
      const input = firstArg(signaled.input);
      const who = str(input?.email) ?? str(input?.authorEmail) ?? SYSTEM_ACTOR;
      add(event, {
        kind: 'signal',
        who,
        what: `${labelOf(SIGNAL_LABELS, name)}${signalDetail(name, input)}`,
        outcome: 'reçu',
      });
      continue;
    }
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const name = scheduled.activityType?.name ?? '';
      const input = firstArg(scheduled.input);
      const mail = mailOf(name, input, workflowId);
      const line = mail ? byKey.get(mail.key) : undefined;
      const batch = batchOf(name, input);
      add(
        event,
        mail
          ? { kind: 'mail', who: SYSTEM_ACTOR, what: mail.what, ...(line ? { mails: [mailLine(line)] } : {}) }
          : batch
            ? { kind: 'mail', who: SYSTEM_ACTOR, what: batch.what, mails: linesOf(batch.lines) }
            : { kind: 'activity', who: SYSTEM_ACTOR, what: labelOf(ACTIVITY_LABELS, name) },
      );
      continue;
    }
    const activityStarted = event.activityTaskStartedEventAttributes;
    if (activityStarted) {
      attempts.set(Number(activityStarted.scheduledEventId), activityStarted.attempt ?? 1);
      continue;
    }
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      const attempt = attempts.get(Number(done.scheduledEventId)) ?? 1;
      settle(done.scheduledEventId, attempt > 1 ? `fait (au ${attempt}e essai)` : 'fait');
      // A notice to several people says, once sent, who its lines went to.
      const lines = firstArg(done.result)?.lines;
      const entry = byEventId.get(Number(done.scheduledEventId));
      if (entry?.kind === 'mail' && Array.isArray(lines)) {
        const keys = lines.map((l) => str((l as { idempotencyKey?: unknown }).idempotencyKey) ?? '');
        entry.mails = linesOf({ keys });
        if (!/ à \d+ destinataires?$/.test(entry.what))
          entry.what += ` à ${keys.length} destinataire${keys.length > 1 ? 's' : ''}`;
      }
      continue;
    }
    const activityFailed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (activityFailed) {
      settle(activityFailed.scheduledEventId, failureText(activityFailed.failure), true);
      continue;
    }
    if (event.activityTaskCanceledEventAttributes) {
      settle(event.activityTaskCanceledEventAttributes.scheduledEventId, 'annulé');
      continue;
    }
    const timer = event.timerStartedEventAttributes;
    if (timer) {
      const ms = protoMs(timer.startToFireTimeout);
      const fires = new Date(eventDate(event).getTime() + ms);
      const entry = add(event, {
        kind: 'timer',
        who: SYSTEM_ACTOR,
        what: `Attente de ${durationText(ms / 1000)}, jusqu’au ${formatFrench(fires, ZONE, { withTime: true })}`,
      });
      timers.set(timer.timerId ?? '', entry);
      continue;
    }
    const fired = event.timerFiredEventAttributes;
    if (fired) {
      const entry = timers.get(fired.timerId ?? '');
      if (entry) entry.outcome = `échue le ${formatFrench(eventDate(event), ZONE, { withTime: true })}`;
      continue;
    }
    const canceledTimer = event.timerCanceledEventAttributes;
    if (canceledTimer) {
      const entry = timers.get(canceledTimer.timerId ?? '');
      // A timer cancelled is a wait that something else ended first (a decision, a new meeting).
      if (entry) entry.outcome = `interrompue le ${formatFrench(eventDate(event), ZONE, { withTime: true })}`;
      continue;
    }
    const external = event.signalExternalWorkflowExecutionInitiatedEventAttributes;
    if (external) {
      const name = external.signalName ?? '';
      add(event, {
        kind: 'signal',
        who: SYSTEM_ACTOR,
        what:
          `Signal au processus ${external.workflowExecution?.workflowId ?? '?'} : ` +
          `${labelOf(SIGNAL_LABELS, name)}${signalDetail(name, firstArg(external.input))}`,
      });
      continue;
    }
    if (event.externalWorkflowExecutionSignaledEventAttributes) {
      settle(event.externalWorkflowExecutionSignaledEventAttributes.initiatedEventId, 'reçu');
      continue;
    }
    if (event.signalExternalWorkflowExecutionFailedEventAttributes) {
      settle(
        event.signalExternalWorkflowExecutionFailedEventAttributes.initiatedEventId,
        'échec : processus introuvable',
        true,
      );
      continue;
    }
    const child = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (child) {
      add(event, {
        kind: 'child',
        who: SYSTEM_ACTOR,
        what:
          `Lancement du processus ${labelOf(WORKFLOW_LABELS, child.workflowType?.name)} ` +
          `(${child.workflowId ?? '?'})`,
      });
      continue;
    }
    const childStarted = event.childWorkflowExecutionStartedEventAttributes;
    if (childStarted) {
      settle(childStarted.initiatedEventId, 'en cours');
      continue;
    }
    const childEnd =
      (event.childWorkflowExecutionCompletedEventAttributes && {
        id: event.childWorkflowExecutionCompletedEventAttributes.initiatedEventId,
        text: 'terminé',
        failed: false,
      }) ||
      (event.childWorkflowExecutionFailedEventAttributes && {
        id: event.childWorkflowExecutionFailedEventAttributes.initiatedEventId,
        text: failureText(event.childWorkflowExecutionFailedEventAttributes.failure),
        failed: true,
      }) ||
      (event.childWorkflowExecutionCanceledEventAttributes && {
        id: event.childWorkflowExecutionCanceledEventAttributes.initiatedEventId,
        text: 'annulé',
        failed: false,
      }) ||
      (event.childWorkflowExecutionTerminatedEventAttributes && {
        id: event.childWorkflowExecutionTerminatedEventAttributes.initiatedEventId,
        text: 'arrêté',
        failed: true,
      }) ||
      (event.childWorkflowExecutionTimedOutEventAttributes && {
        id: event.childWorkflowExecutionTimedOutEventAttributes.initiatedEventId,
        text: 'délai dépassé',
        failed: true,
      }) ||
      (event.startChildWorkflowExecutionFailedEventAttributes && {
        id: event.startChildWorkflowExecutionFailedEventAttributes.initiatedEventId,
        text: 'échec du lancement',
        failed: true,
      });
    if (childEnd) {
      settle(childEnd.id, childEnd.text, childEnd.failed);
      continue;
    }
    if (event.workflowExecutionContinuedAsNewEventAttributes) {
      add(event, {
        kind: 'continue',
        who: SYSTEM_ACTOR,
        what: 'Suite dans une nouvelle exécution (l’historique repart de zéro, l’état est conservé)',
        outcome: 'fait',
      });
      continue;
    }
    const end =
      (event.workflowExecutionCompletedEventAttributes && {
        what: 'Fin du processus',
        outcome: 'terminé',
        failed: false,
      }) ||
      (event.workflowExecutionFailedEventAttributes && {
        what: 'Fin du processus',
        outcome: failureText(event.workflowExecutionFailedEventAttributes.failure),
        failed: true,
      }) ||
      (event.workflowExecutionTerminatedEventAttributes && {
        what: 'Processus arrêté',
        outcome: `arrêté${
          event.workflowExecutionTerminatedEventAttributes.reason
            ? ` : ${event.workflowExecutionTerminatedEventAttributes.reason}`
            : ''
        }`,
        failed: true,
      }) ||
      (event.workflowExecutionCanceledEventAttributes && {
        what: 'Processus annulé',
        outcome: 'annulé',
        failed: false,
      }) ||
      (event.workflowExecutionTimedOutEventAttributes && {
        what: 'Processus hors délai',
        outcome: 'délai dépassé',
        failed: true,
      });
    if (end) add(event, { kind: 'workflow', who: SYSTEM_ACTOR, ...end });
  }
  // A mail refused, given up or bounced (even long after its activity ended) shows as not delivered.
  for (const entry of entries) {
    const undelivered = (entry.mails ?? []).filter((mail) => mail.undelivered);
    if (undelivered.length === 0) continue;
    const outcome =
      entry.mails!.length === 1
        ? undelivered[0]!.undelivered!
        : undelivered.map((mail) => `${mail.recipient} : ${mail.undelivered!}`).join(' ; ');
    Object.assign(entry, { outcome, failed: true });
  }
  return entries;
}

import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { msToNumber } from '@temporalio/common';
import type { SendMailOptions } from 'nodemailer';
import { classifySmtpError, type SmtpErrorClassification } from '../infra/smtp-out/smtp-errors.js';
import { BOUNCE_LOCAL_PART } from '../infra/smtp-in/bounce-report.js';
import { icalEventMismatch } from '../documents/ics/ics-check.js';
import { composeDeliveryAlert, UNDELIVERED_LABELS, type UndeliveredReason } from '../documents/mail/delivery-alert.js';
import { renderNotice, type NoticeContent } from '../documents/mail/notices/render-notice.js';
import { POOL_OPTIONS, type MailSender } from '../infra/smtp-out/mail-transport.js';
import { classifyDatabaseError } from '../store/database/database-errors.js';
import type { AttemptOutcome, LedgerEntry } from '../store/mail-ledger/notification-ledger.js';
import type { MailLedgerStore } from '../store/mail-ledger/mail-ledger-store.js';
import type { WorkflowSubject } from '../store/mail-ledger/workflow-convention.js';
import { DEFAULT_TIMING } from '../workflows/definitions.js';

/** A calendar invitation sent as nodemailer's calendar alternative (text/calendar; method=…). */
export interface NotificationIcalEvent {
  /** The MIME `method=` parameter: must be the content's METHOD. */
  method: 'REQUEST' | 'CANCEL' | 'DECLINECOUNTER';
  content: string;
  /** The event's UID and SEQUENCE as the content states them, recorded in the ledger. */
  uid: string;
  sequence: number;
  /** Name of the copy nodemailer also attaches as application/ics; default `invite.ics`. */
  filename?: string;
}

export interface NotificationAttachment {
  filename: string;
  contentType: string;
  /**
   * The bytes, or base64 text with `encoding: 'base64'`. A workflow passes base64: activity
   * inputs cross Temporal's history as JSON, where a Buffer does not survive.
   */
  content: Buffer | string;
  encoding?: 'base64';
}

export interface NotificationInput {
  /** Deterministic per (workflow, step, recipient): the ledger sends each key once. */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The workflow that sends it, for the ledger. */
  workflowId?: string;
  icalEvent?: NotificationIcalEvent;
  attachments?: NotificationAttachment[];
}

/**
 * A notice a workflow decided, as facts: the activity words it (subject, text, HTML) when it sends
 * it, since a workflow may not import documents/.
 */
export type NoticeInput = Omit<NotificationInput, 'subject' | 'text' | 'html'> & { notice: NoticeContent };

export interface NotificationResult {
  messageId: string;
  /** False when the ledger showed this key already sent, or when the mail will not be delivered. */
  sent: boolean;
  /**
   * Set when the mail will not reach its recipient: refused for good by a mail server, or the relay
   * out of reach for hours (`unreachable`). The line is failed, the organiser and the coordinators
   * are told; the workflow goes on, since everyone else got their mail.
   */
  undelivered?: { reason: UndeliveredReason; response: string | null };
}

/** One recipient's mail of a notice sent to several people: its ledger key, and how it went. */
export interface NoticeLine extends NotificationResult {
  to: string;
  idempotencyKey: string;
}

/**
 * What an activity mailing several people reports: a line per recipient, in their order. The
 * workflow keeps who was told from it, and the timeline finds the ledger lines by their keys.
 */
export interface NoticeResult {
  lines: NoticeLine[];
}

/** One notice, as facts, to several people: one activity, one ledger line per recipient. */
export interface NoticeRequest {
  workflowId: string;
  /** Tells this sending from the workflow's others: a recipient's ledger key is `<workflowId>:<occasion>:<to>`. */
  occasion: string;
  to: readonly string[];
  notice: NoticeContent;
}

export interface MailDependencies {
  transport: MailSender;
  /** The notification ledger, where each key is sent once. */
  ledger: MailLedgerStore;
  /** The From address, e.g. `Concerto <concerto@example.org>`. */
  from: string;
  heartbeatEveryMs?: number;
  /** How long a claim on a line holds unrenewed; {@link MAIL_LEASE_MS} unless a test shortens it. */
  leaseMs?: number;
}

/** Codes of the failures this module raises itself (SMTP failures keep the codes of infra/smtp-out/smtp-errors.ts). */
export const MAIL_ERROR_CODES = {
  ICAL_MISMATCH:
    'The icalEvent’s method, UID or SEQUENCE differs from its iCalendar content: nothing was sent or recorded.',
  MAIL_CLAIMED: 'Another attempt holds the ledger line’s lease and may be sending it: this one tries again later.',
} as const;

/**
 * How long a claim on a ledger line holds without being renewed. The sender renews it with each
 * heartbeat while its SMTP transaction lasts, so a live sender keeps it; a dead one's line is free
 * again soon after Temporal's heartbeat timeout (10 s, workflows/activity-options.ts) gives its
 * activity to another worker.
 */
export const MAIL_LEASE_MS = 30_000;

const INTERRUPTED =
  'INTERRUPTED: the attempt ended without recording an answer (worker stopped or database unreachable); ' +
  'the server may have received the message, which the next attempt re-sends with the same Message-ID';

/** A stable Message-ID per key, so a message re-sent after an ambiguous failure can be recognised. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/**
 * The envelope sender (VERP) of one ledger line: a bounce comes back to `bounces+<line id>@domain`,
 * which names the line it is about (infra/smtp-in/bounce-report.ts reads it).
 */
export function returnPathFor(lineId: string, domain: string): string {
  return `${BOUNCE_LOCAL_PART}+${lineId}@${domain}`;
}

/**
 * What marks a mail as Concerto's besides its content. `Auto-Submitted: auto-generated` (RFC 3834):
 * Concerto writes no mail a person composed, each one follows from a workflow or an action, so
 * out-of-office responders leave them be. `List-Id` (RFC 2919) per convention, `<slug.domain>`, so
 * a member may sort or filter a convention's mail; none for a mail of no convention (the alerts).
 * No List-Unsubscribe: a member cannot opt out of a convocation, there is nothing to unsubscribe from.
 */
export function automaticMarks(
  convention: { slug: string; name: string } | null,
  domain: string,
): Pick<SendMailOptions, 'headers' | 'list'> {
  return {
    headers: { 'Auto-Submitted': 'auto-generated' },
    // Nodemailer writes the name as a quoted or encoded phrase.
    ...(convention ? { list: { id: { url: `${convention.slug}.${domain}`, comment: convention.name } } } : {}),
  };
}

function domainOf(address: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(address);
  return match?.[1] ?? 'concerto.invalid';
}

/** The server's own reply line, when the error carries one. */
function serverResponse(error: unknown): string | null {
  const response = typeof error === 'object' && error !== null ? (error as { response?: unknown }).response : undefined;
  return typeof response === 'string' && response ? response : null;
}

/** The running activity's context, or none when called outside one (a bounce handled by the app). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * True when this attempt is the last the retry policy leaves before the activity's
 * scheduleToCloseTimeout (workflows/activity-options.ts): a transient failure then gives up with an
 * alert instead of failing the workflow. Outside an activity (the app's bounce handler), a failure
 * is thrown to the caller, which tries again.
 */
function lastAttempt(context: Context | undefined): boolean {
  const info = context?.info;
  if (!info?.scheduleToCloseTimeoutMs) return false;
  const policy = info.retryPolicy;
  const initial = msToNumber(policy?.initialInterval ?? 1000);
  const coefficient = policy?.backoffCoefficient ?? 2;
  const maximum = msToNumber(policy?.maximumInterval ?? initial * 100);
  if (policy?.maximumAttempts && info.attempt >= policy.maximumAttempts) return true;
  const nextDelay = Math.min(initial * coefficient ** (info.attempt - 1), maximum);
  const deadline = info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs;
  return Date.now() + nextDelay + info.startToCloseTimeoutMs >= deadline;
}

/** Who claims a line: this activity attempt, told apart from any other by a random suffix. */
function ownerOf(context: Context | undefined): string {
  const info = context?.info;
  const who = info ? `${info.workflowExecution?.workflowId ?? ''}/${info.activityId}#${info.attempt}` : 'app';
  return `${who}/${randomUUID().slice(0, 8)}`;
}

/** Mail activities over a nodemailer transport, with the notification ledger in the domain store. */
export function createMailActivities(dependencies: MailDependencies) {
  const mailer = createMailer(dependencies);
  return {
    /**
     * Sends one notification at most once per idempotency key. The ledger line is claimed first,
     * in one statement (owner and lease): a line sent, failed or bounced is not sent again, a line
     * another attempt holds is left to it (this one retries later). Every attempt gets its ledger
     * row (number, outcome, the server's answer or the error); an invitation's UID, SEQUENCE and
     * method are recorded on the notification. A recipient refused for good, or a relay out of
     * reach until the last attempt, does not fail the activity: the line is failed, the address
     * flagged, the organiser and the coordinators told, and the result says so. An invitation whose
     * method, UID or SEQUENCE contradicts its content is refused before anything is sent or
     * recorded. A notice given as facts is worded here (documents/mail/notices/).
     */
    sendNotification: (request: NotificationInput | NoticeInput): Promise<NotificationResult> =>
      mailer.send('notice' in request ? withNoticeRendered(request) : request),
    /**
     * Sends a notice to each of its recipients in one activity, each under its own ledger line
     * (sendEachLine): a retry sends only the lines not sent yet.
     */
    sendNotice: ({ workflowId, occasion, to, notice }: NoticeRequest): Promise<NoticeResult> => {
      const worded = renderNotice(notice);
      return sendEachLine(to, (recipient) =>
        sendWorkflowMail(mailer.send, { workflowId, occasion, recipient }, worded),
      );
    },
  };
}

/** A delivery status notification about one ledger line (infra/smtp-in/bounce-report.ts). */
export interface BounceNotice {
  lineId: string;
  /** The report's Status and Diagnostic-Code, for the ledger. */
  response: string;
}

/**
 * What the bounce listener does with a report: marks the line bounced, flags the address, tells
 * the organiser and the coordinators. A report naming no line is ignored (false).
 */
export function createBounceRecorder(dependencies: MailDependencies) {
  const mailer = createMailer(dependencies);
  return async (bounce: BounceNotice, at: Date): Promise<boolean> => {
    const line = await dependencies.ledger.recordBounce({
      notificationId: bounce.lineId,
      at,
      response: bounce.response,
    });
    if (!line) return false;
    await dependencies.ledger.flagRefusedAddress({ email: line.recipient, at, refusal: bounce.response });
    await mailer.alert(line, 'bounced', bounce.response);
    return true;
  };
}

/** How long a workflow's subject (its convention, what it is about) serves the mails sent after it was read. */
const SUBJECT_KEPT_MS = 10_000;

function createMailer({ transport, ledger, from, heartbeatEveryMs = 2000, leaseMs = MAIL_LEASE_MS }: MailDependencies) {
  // A claim is renewed once a third of its lease is gone, so two renewals may fail before it runs out.
  const renewAfterMs = leaseMs / 3;
  const domain = domainOf(from);
  const subjects = new Map<string, { until: number; subject: Promise<WorkflowSubject | null> }>();

  /** A workflow's subject, read once for a notice's lines rather than once per recipient. */
  function workflowSubject(input: { workflowId: string | null; idempotencyKey: string }) {
    const key = input.workflowId ?? input.idempotencyKey.split(':')[0] ?? '';
    const now = Date.now();
    const kept = subjects.get(key);
    if (kept && kept.until > now) return kept.subject;
    for (const [k, v] of subjects) if (v.until <= now) subjects.delete(k);
    const subject = ledger.workflowSubject(input);
    subjects.set(key, { until: now + SUBJECT_KEPT_MS, subject });
    // A failed read is not kept: the next mail reads again.
    subject.catch(() => subjects.delete(key));
    return subject;
  }

  /** Tells the organiser and the coordinators, once per line, that its mail will not be delivered. */
  async function alert(line: LedgerEntry, reason: UndeliveredReason, response: string | null): Promise<void> {
    if (line.alertedAt) return;
    const audience = await ledger.alertAudience({
      workflowId: line.workflowId,
      idempotencyKey: line.idempotencyKey,
      coordinators: DEFAULT_TIMING.coordinators,
    });
    const composed = composeDeliveryAlert({
      recipient: line.recipient,
      subject: line.subject,
      about: audience.about,
      reason,
      response,
    });
    // The alerts belong to no workflow: one of them refused alerts nobody in turn.
    for (const to of audience.recipients.filter((r) => r !== line.recipient.toLowerCase()))
      await send({ idempotencyKey: `alert:${line.id}:${to}`, to, ...composed });
    await ledger.recordAlerted({ notificationId: line.id, at: new Date() });
  }

  /** The line will not be delivered: failed, its address flagged when refused, people told. */
  async function undelivered(
    line: LedgerEntry,
    reason: UndeliveredReason,
    response: string | null,
  ): Promise<NotificationResult> {
    if (reason !== 'unreachable')
      await ledger.flagRefusedAddress({ email: line.recipient, at: new Date(), refusal: response ?? reason });
    await alert(line, reason, response);
    return { messageId: line.messageId, sent: false, undelivered: { reason, response } };
  }

  async function send(input: NotificationInput): Promise<NotificationResult> {
    const ical = input.icalEvent;
    if (ical) {
      const mismatch = icalEventMismatch(ical, ical.content);
      if (mismatch)
        throw ApplicationFailure.nonRetryable(
          `Invitation for ${input.idempotencyKey} refused: ${mismatch}.`,
          'ICAL_MISMATCH',
        );
    }
    const context = activityContext();
    const owner = ownerOf(context);
    const now = new Date();
    const messageId = messageIdFor(input.idempotencyKey, domain);
    const claim = await ledger
      .claim(
        {
          idempotencyKey: input.idempotencyKey,
          recipient: input.to,
          subject: input.subject,
          messageId,
          ...(input.workflowId ? { workflowId: input.workflowId } : {}),
          ...(ical ? { icalUid: ical.uid, icalSequence: ical.sequence, icalMethod: ical.method } : {}),
        },
        { owner, now, leaseUntil: new Date(now.getTime() + leaseMs) },
      )
      .catch((error: unknown) => {
        // A mail the ledger cannot even record (a value PostgreSQL refuses) is not sent, and fails no workflow.
        if (classifyDatabaseError(error).kind !== 'data') throw error;
        return null;
      });
    if (!claim) {
      const response = `DATA_REFUSED: the ledger refused this mail's values; nothing was sent`;
      context?.log.error(`Mail ${input.idempotencyKey} not sent: ${response}`);
      return { messageId, sent: false, undelivered: { reason: 'refused', response } };
    }
    const row = claim.line;
    if (claim.kind === 'done') {
      if (row.status === 'sent') return { messageId: row.messageId, sent: false };
      // Failed or bounced before: this attempt only finishes telling people, if that was interrupted.
      const reason: UndeliveredReason = row.status === 'bounced' ? 'bounced' : 'refused';
      await alert(row, reason, row.lastResponse);
      return { messageId: row.messageId, sent: false, undelivered: { reason, response: row.lastResponse } };
    }
    if (claim.kind === 'held') {
      const wait = Math.max(1000, (row.leaseUntil?.getTime() ?? now.getTime()) - now.getTime());
      throw ApplicationFailure.create({
        type: 'MAIL_CLAIMED',
        message: `Another attempt is sending ${input.idempotencyKey} (lease until ${row.leaseUntil?.toISOString()}).`,
        nextRetryDelay: wait,
      });
    }
    const attempt = row.attempts;
    // The previous attempt may never have come back to say how it ended: say so rather than leave a gap.
    if (attempt > 1)
      await ledger.recordInterrupted({ notificationId: row.id, attempt: attempt - 1, error: INTERRUPTED });

    const subject = await workflowSubject({
      workflowId: input.workflowId ?? null,
      idempotencyKey: input.idempotencyKey,
    });
    const marks = automaticMarks(
      subject ? { slug: subject.conventionSlug, name: subject.conventionName } : null,
      domain,
    );
    const message: SendMailOptions = {
      from,
      to: input.to,
      // VERP: a later bounce names its line.
      envelope: { from: returnPathFor(row.id, domain), to: input.to },
      subject: input.subject,
      text: input.text,
      ...(input.html ? { html: input.html } : {}),
      ...(ical
        ? { icalEvent: { method: ical.method, content: ical.content, filename: ical.filename ?? 'invite.ics' } }
        : {}),
      ...(input.attachments?.length
        ? {
            attachments: input.attachments.map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content:
                a.encoding === 'base64' && typeof a.content === 'string' ? Buffer.from(a.content, 'base64') : a.content,
            })),
          }
        : {}),
      messageId: row.messageId,
      ...marks,
      headers: { 'X-Concerto-Key': input.idempotencyKey, ...marks.headers },
    };

    let renewedAt = now.getTime();
    const beat = setInterval(() => {
      context?.heartbeat();
      // A line waiting its turn in the transport's queue renews too, but only once a third of its lease is gone.
      if (Date.now() - renewedAt < renewAfterMs) return;
      renewedAt = Date.now();
      // A renewal that fails (the database away) lets the lease run out: another attempt may then send.
      ledger
        .renewLease({ notificationId: row.id, owner, leaseUntil: new Date(renewedAt + leaseMs) })
        .catch(() => undefined);
    }, heartbeatEveryMs);
    let failure: SmtpErrorClassification;
    let response: string | null;
    try {
      const info = await transport.sendMail(message);
      // The window: a crash here, after the server's 250 and before this write, sends the line again. A database
      // away for a moment (a restart) does not: the write is tried again, the activity heartbeating meanwhile.
      await patiently(() =>
        ledger.recordSent({ notificationId: row.id, attempt, response: String(info.response ?? ''), at: new Date() }),
      );
      return { messageId: row.messageId, sent: true };
    } catch (error) {
      if (error instanceof LedgerUnwritable) throw error.cause;
      failure = classifySmtpError(error);
      response = serverResponse(error);
    } finally {
      clearInterval(beat);
    }
    const giveUp = !failure.permanent && lastAttempt(context);
    const outcome: AttemptOutcome = failure.permanent || giveUp ? 'failed' : 'retrying';
    const lastError = `${giveUp ? `${UNDELIVERED_LABELS.unreachable} : ` : ''}${failure.code}: ${failure.message}`;
    await ledger.recordFailed({ notificationId: row.id, attempt, outcome, response, error: lastError });
    if (failure.permanent) return undelivered(row, 'refused', response ?? failure.message);
    if (giveUp) return undelivered(row, 'unreachable', response ?? failure.message);
    throw ApplicationFailure.retryable(failure.message, failure.code);
  }

  return { send, alert };
}

export type MailActivities = ReturnType<typeof createMailActivities>;

/** How long a sent line's ledger write is tried again before the attempt fails (and the line may be sent again). */
export const RECORD_SENT_PATIENCE_MS = 60_000;

/** The ledger write after a 250 that failed for good: not an SMTP failure, so not recorded as one. */
class LedgerUnwritable extends Error {}

async function patiently(write: () => Promise<void>): Promise<void> {
  const giveUpAt = Date.now() + RECORD_SENT_PATIENCE_MS;
  for (let pauseMs = 500; ; pauseMs = Math.min(pauseMs * 2, 5000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + pauseMs > giveUpAt) throw new LedgerUnwritable('ledger write failed', { cause: error });
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

function withNoticeRendered({ notice, ...envelope }: NoticeInput): NotificationInput {
  return { ...envelope, ...renderNotice(notice) };
}

/**
 * How many lines of one notice are in flight at once: claimed together (the ledger's group commit makes them one
 * statement), then queued to the transport's pool, which sends as many at a time as it has connections. Five at a
 * time, as many as the pool's connections, made a claim statement of five lines (bench/README.md, 2026-12-06).
 */
export const LINES_IN_FLIGHT = 5 * POOL_OPTIONS.maxConnections;

/** The failure a retry should follow: any but a held lease's first, else the held lease that frees soonest. */
function failureToRetry(failures: readonly unknown[]): unknown {
  const held = (f: unknown) => f instanceof ApplicationFailure && f.type === 'MAIL_CLAIMED';
  const other = failures.find((f) => !held(f));
  if (other !== undefined) return other;
  const delay = (f: unknown) => msToNumber((f as ApplicationFailure).nextRetryDelay ?? 0);
  return failures.reduce((soonest, f) => (delay(f) < delay(soonest) ? f : soonest));
}

/**
 * Sends one mail per item (a recipient, or a recipient of one of several notices), a few at a time,
 * each once per key through the ledger. A recipient refused for good comes back as an undelivered
 * line and fails nothing. A line that failed for now
 * (the relay away, its lease held by an attempt that may still be sending) does not hold the
 * others back: once every line was tried, that failure is thrown so the activity is retried, and
 * the retry finds the lines already sent done in the ledger and tries only the rest.
 */
export async function sendEachLine<T>(
  items: readonly T[],
  line: (item: T) => Promise<NoticeLine>,
): Promise<NoticeResult> {
  const context = activityContext();
  const lines: NoticeLine[] = [];
  const failures: unknown[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(LINES_IN_FLIGHT, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        context?.heartbeat();
        try {
          lines[index] = await line(items[index]!);
        } catch (error) {
          failures.push(error);
        }
      }
    }),
  );
  if (failures.length > 0) throw failureToRetry(failures);
  return { lines };
}

/** Which mail of a workflow this is: one per recipient and occasion. */
export interface WorkflowMail {
  workflowId: string;
  occasion: string;
  recipient: string;
}

/**
 * Sends a workflow's composed mail under the ledger key of its recipient and occasion, so a
 * retried activity (or a replayed workflow) finds it sent and sends nothing again.
 */
export async function sendWorkflowMail(
  send: (input: NotificationInput) => Promise<NotificationResult>,
  mail: WorkflowMail,
  content: Omit<NotificationInput, 'idempotencyKey' | 'workflowId' | 'to'>,
): Promise<NoticeLine> {
  const idempotencyKey = `${mail.workflowId}:${mail.occasion}:${mail.recipient}`;
  const result = await send({ idempotencyKey, workflowId: mail.workflowId, to: mail.recipient, ...content });
  return { ...result, to: mail.recipient, idempotencyKey };
}

import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { classifySmtpError } from '../infra/smtp-out/smtp-errors.js';
import { icalEventMismatch } from '../documents/ics/ics-check.js';
import { renderNotice, type NoticeContent } from '../documents/mail/notices/render-notice.js';
import type { AttemptOutcome } from '../store/mail-ledger/notification-ledger.js';
import type { MailLedgerStore } from '../store/mail-ledger/mail-ledger-store.js';

/** A calendar invitation sent as nodemailer's calendar alternative (text/calendar; method=…). */
export interface NotificationIcalEvent {
  /** The MIME `method=` parameter: must be the content's METHOD. */
  method: 'REQUEST' | 'CANCEL';
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
  /** False when the ledger showed this key already sent: nothing was sent again. */
  sent: boolean;
}

export interface MailDependencies {
  transport: Transporter;
  /** The notification ledger, where each key is sent once. */
  ledger: MailLedgerStore;
  /** The From address, e.g. `Concerto <concerto@example.org>`. */
  from: string;
  heartbeatEveryMs?: number;
}

/** Codes of the failures this module raises itself (SMTP failures keep the codes of infra/smtp-out/smtp-errors.ts). */
export const MAIL_ERROR_CODES = {
  ICAL_MISMATCH:
    'The icalEvent’s method, UID or SEQUENCE differs from its iCalendar content: nothing was sent or recorded.',
} as const;

const INTERRUPTED =
  'INTERRUPTED: the attempt ended without recording an answer (worker stopped or database unreachable); ' +
  'the server may have received the message, which the next attempt re-sends with the same Message-ID';

/** A stable Message-ID per key, so a message re-sent after an ambiguous failure can be recognised. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
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

/** Mail activities over a nodemailer transport, with the notification ledger in the domain store. */
export function createMailActivities({ transport, ledger, from, heartbeatEveryMs = 2000 }: MailDependencies) {
  return {
    /**
     * Sends one notification at most once per idempotency key: a key the ledger marks sent is
     * skipped. Every attempt gets its ledger row (number, outcome, the server's answer or the
     * error); an invitation's UID, SEQUENCE and method are recorded on the notification. An
     * invitation whose method, UID or SEQUENCE contradicts its content is refused before anything
     * is sent or recorded. A notice given as facts is worded here (documents/mail/notices/).
     */
    async sendNotification(request: NotificationInput | NoticeInput): Promise<NotificationResult> {
      const input = 'notice' in request ? withNoticeRendered(request) : request;
      const ical = input.icalEvent;
      if (ical) {
        const mismatch = icalEventMismatch(ical, ical.content);
        if (mismatch)
          throw ApplicationFailure.nonRetryable(
            `Invitation for ${input.idempotencyKey} refused: ${mismatch}.`,
            'ICAL_MISMATCH',
          );
      }
      const previous = await ledger.find(input.idempotencyKey);
      if (previous?.status === 'sent') return { messageId: previous.messageId, sent: false };
      const messageId = previous?.messageId ?? messageIdFor(input.idempotencyKey, domainOf(from));
      const row = await ledger.startAttempt({
        idempotencyKey: input.idempotencyKey,
        recipient: input.to,
        subject: input.subject,
        messageId,
        ...(input.workflowId ? { workflowId: input.workflowId } : {}),
        ...(ical ? { icalUid: ical.uid, icalSequence: ical.sequence, icalMethod: ical.method } : {}),
      });
      const attempt = row.attempts;
      if (previous?.status === 'sending' && previous.attempts > 0) {
        // The previous attempt never came back to say how it ended: say so rather than leave a gap.
        await ledger.recordInterrupted({ notificationId: row.id, attempt: previous.attempts, error: INTERRUPTED });
      }

      const message: SendMailOptions = {
        from,
        to: input.to,
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
                  a.encoding === 'base64' && typeof a.content === 'string'
                    ? Buffer.from(a.content, 'base64')
                    : a.content,
              })),
            }
          : {}),
        messageId,
        headers: { 'X-Concerto-Key': input.idempotencyKey },
      };

      const context = Context.current();
      const beat = setInterval(() => context.heartbeat(), heartbeatEveryMs);
      try {
        const info = await transport.sendMail(message);
        const response = String(info.response ?? '');
        await ledger.recordSent({ notificationId: row.id, attempt, response, at: new Date() });
        return { messageId, sent: true };
      } catch (error) {
        const failure = classifySmtpError(error);
        const outcome: AttemptOutcome = failure.permanent ? 'failed' : 'retrying';
        const response = serverResponse(error);
        const lastError = `${failure.code}: ${failure.message}`;
        await ledger.recordFailed({ notificationId: row.id, attempt, outcome, response, error: lastError });
        if (failure.permanent) throw ApplicationFailure.nonRetryable(failure.message, failure.code);
        throw ApplicationFailure.retryable(failure.message, failure.code);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type MailActivities = ReturnType<typeof createMailActivities>;

function withNoticeRendered({ notice, ...envelope }: NoticeInput): NotificationInput {
  return { ...envelope, ...renderNotice(notice) };
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
export function sendWorkflowMail(
  send: MailActivities['sendNotification'],
  mail: WorkflowMail,
  content: Omit<NotificationInput, 'idempotencyKey' | 'workflowId' | 'to'>,
): Promise<NotificationResult> {
  return send({
    idempotencyKey: `${mail.workflowId}:${mail.occasion}:${mail.recipient}`,
    workflowId: mail.workflowId,
    to: mail.recipient,
    ...content,
  });
}

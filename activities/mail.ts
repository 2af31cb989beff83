import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { PrismaClient } from '../generated/prisma/client.js';
import { classifySmtpError } from '../infra/smtp-errors.js';

export interface NotificationInput {
  /** Deterministic per (workflow, step, recipient): the ledger sends each key once. */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface NotificationResult {
  messageId: string;
  /** False when the ledger showed this key already sent: nothing was sent again. */
  sent: boolean;
}

export interface MailDependencies {
  transport: Transporter;
  prisma: PrismaClient;
  /** The From address, e.g. `Concerto <concerto@example.org>`. */
  from: string;
  heartbeatEveryMs?: number;
}

/** A stable Message-ID per key, so a message re-sent after an ambiguous failure can be recognised. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

function domainOf(address: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(address);
  return match?.[1] ?? 'concerto.invalid';
}

/** Mail activities over a nodemailer transport, with the notification ledger in the domain store. */
export function createMailActivities({ transport, prisma, from, heartbeatEveryMs = 2000 }: MailDependencies) {
  return {
    /**
     * Sends one notification at most once per idempotency key: a key the ledger marks sent is
     * skipped; every attempt, the server's answer and the last error are recorded.
     */
    async sendNotification(input: NotificationInput): Promise<NotificationResult> {
      const previous = await prisma.notification.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (previous?.status === 'sent') return { messageId: previous.messageId, sent: false };
      const messageId = previous?.messageId ?? messageIdFor(input.idempotencyKey, domainOf(from));
      const row = await prisma.notification.upsert({
        where: { idempotencyKey: input.idempotencyKey },
        create: { idempotencyKey: input.idempotencyKey, recipient: input.to, subject: input.subject, messageId, status: 'sending', attempts: 1 },
        update: { status: 'sending', attempts: { increment: 1 } },
      });

      const context = Context.current();
      const beat = setInterval(() => context.heartbeat(), heartbeatEveryMs);
      try {
        const info = await transport.sendMail({
          from,
          to: input.to,
          subject: input.subject,
          text: input.text,
          ...(input.html ? { html: input.html } : {}),
          messageId,
          headers: { 'X-Concerto-Key': input.idempotencyKey },
        });
        await prisma.notification.update({
          where: { id: row.id },
          data: { status: 'sent', sentAt: new Date(), lastResponse: String(info.response ?? ''), lastError: null },
        });
        return { messageId, sent: true };
      } catch (error) {
        const failure = classifySmtpError(error);
        await prisma.notification.update({
          where: { id: row.id },
          data: { status: failure.permanent ? 'failed' : 'retrying', lastError: `${failure.code}: ${failure.message}` },
        });
        if (failure.permanent) throw ApplicationFailure.nonRetryable(failure.message, failure.code);
        throw ApplicationFailure.retryable(failure.message, failure.code);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type MailActivities = ReturnType<typeof createMailActivities>;

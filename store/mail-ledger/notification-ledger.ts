import type { PrismaClient } from '../../generated/prisma/client.js';

/** Outcome of one attempt in the ledger (NotificationAttempt.outcome). */
export type AttemptOutcome = 'sent' | 'retrying' | 'failed';

/** A ledger line as the mail activity reads it before sending. */
export interface LedgerEntry {
  id: string;
  messageId: string;
  status: string;
  attempts: number;
}

/** What a new attempt records on its line: the mail and, for an invitation, its UID, SEQUENCE and method. */
export interface AttemptStart {
  idempotencyKey: string;
  recipient: string;
  subject: string;
  messageId: string;
  workflowId?: string;
  icalUid?: string;
  icalSequence?: number;
  icalMethod?: string;
}

const ENTRY = { id: true, messageId: true, status: true, attempts: true } as const;

/** The ledger line of that key, if any mail was ever tried under it. */
export async function findLedgerEntry(db: PrismaClient, idempotencyKey: string): Promise<LedgerEntry | null> {
  return db.notification.findUnique({ where: { idempotencyKey }, select: ENTRY });
}

/** Marks the line sending and counts one more attempt (creating the line on the first); returns it. */
export async function startAttempt(db: PrismaClient, start: AttemptStart): Promise<LedgerEntry> {
  const { idempotencyKey, recipient, subject, messageId, ...described } = start;
  return db.notification.upsert({
    where: { idempotencyKey },
    create: { idempotencyKey, recipient, subject, messageId, status: 'sending', attempts: 1, ...described },
    update: { status: 'sending', attempts: { increment: 1 }, ...described },
    select: ENTRY,
  });
}

/** Records an attempt that ended without its outcome being written (once: a second call changes nothing). */
export async function recordInterruptedAttempt(
  db: PrismaClient,
  input: { notificationId: string; attempt: number; error: string },
): Promise<void> {
  await db.notificationAttempt.upsert({
    where: { notificationId_attempt: { notificationId: input.notificationId, attempt: input.attempt } },
    create: { ...input, outcome: 'retrying' satisfies AttemptOutcome },
    update: {},
  });
}

/** Records the server's acceptance: the line is sent, with its attempt. */
export async function recordSent(
  db: PrismaClient,
  input: { notificationId: string; attempt: number; response: string; at: Date },
): Promise<void> {
  await db.notification.update({
    where: { id: input.notificationId },
    data: {
      status: 'sent',
      sentAt: input.at,
      lastResponse: input.response,
      lastError: null,
      history: {
        create: { attempt: input.attempt, outcome: 'sent' satisfies AttemptOutcome, response: input.response },
      },
    },
  });
}

/** Records a refused or failed attempt: the line is failed for good, or waits for a retry. */
export async function recordFailedAttempt(
  db: PrismaClient,
  input: {
    notificationId: string;
    attempt: number;
    outcome: 'retrying' | 'failed';
    response: string | null;
    error: string;
  },
): Promise<void> {
  await db.notification.update({
    where: { id: input.notificationId },
    data: {
      status: input.outcome,
      lastError: input.error,
      ...(input.response ? { lastResponse: input.response } : {}),
      history: {
        create: { attempt: input.attempt, outcome: input.outcome, response: input.response, error: input.error },
      },
    },
  });
}

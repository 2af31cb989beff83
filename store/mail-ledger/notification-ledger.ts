import type { PrismaClient } from '../../generated/prisma/client.js';

/** Outcome of one attempt in the ledger (NotificationAttempt.outcome). */
export type AttemptOutcome = 'sent' | 'retrying' | 'failed' | 'bounced';

/** Statuses of a line that no attempt changes any more. */
export const FINAL_STATUSES = ['sent', 'failed', 'bounced'] as const;

/** A ledger line as the mail activity reads it. */
export interface LedgerEntry {
  id: string;
  idempotencyKey: string;
  recipient: string;
  subject: string;
  workflowId: string | null;
  messageId: string;
  /** sending · retrying · sent · failed · bounced */
  status: string;
  attempts: number;
  lastResponse: string | null;
  leaseUntil: Date | null;
  alertedAt: Date | null;
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

/** Who claims the line (one activity attempt) and until when its claim holds. */
export interface Claim {
  owner: string;
  now: Date;
  leaseUntil: Date;
}

/** The claim's answer: the line is ours to send, or another attempt holds it, or it is done. */
export type ClaimResult =
  { kind: 'claimed'; line: LedgerEntry } | { kind: 'held'; line: LedgerEntry } | { kind: 'done'; line: LedgerEntry };

const ENTRY = {
  id: true,
  idempotencyKey: true,
  recipient: true,
  subject: true,
  workflowId: true,
  messageId: true,
  status: true,
  attempts: true,
  lastResponse: true,
  leaseUntil: true,
  alertedAt: true,
} as const;

/** The ledger line of that key, if any mail was ever tried under it. */
export async function findLedgerEntry(db: PrismaClient, idempotencyKey: string): Promise<LedgerEntry | null> {
  return db.notification.findUnique({ where: { idempotencyKey }, select: ENTRY });
}

/** The ledger line of that id (a bounce names its line by id in the return path). */
export async function findLedgerEntryById(db: PrismaClient, id: string): Promise<LedgerEntry | null> {
  return db.notification.findUnique({ where: { id }, select: ENTRY });
}

/**
 * Claims the line for one attempt, in one statement: creates it, or takes it when it is neither
 * done (sent, failed, bounced) nor held by a live lease, marking it sending with one more attempt.
 * Two workers racing for a line cannot both win: PostgreSQL serialises the row's upsert.
 */
export async function claimLine(db: PrismaClient, start: AttemptStart, claim: Claim): Promise<ClaimResult> {
  const now = claim.now.toISOString();
  const lease = claim.leaseUntil.toISOString();
  const claimed = await db.$queryRaw<LedgerEntry[]>`
    INSERT INTO "Notification" ("id", "idempotencyKey", "workflowId", "recipient", "subject", "messageId", "status",
      "attempts", "icalUid", "icalSequence", "icalMethod", "claimedBy", "leaseUntil", "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${start.idempotencyKey}, ${start.workflowId ?? null}, ${start.recipient},
      ${start.subject}, ${start.messageId}, 'sending', 1, ${start.icalUid ?? null}, ${start.icalSequence ?? null}::int,
      ${start.icalMethod ?? null}, ${claim.owner}, ${lease}::timestamp, ${now}::timestamp, ${now}::timestamp)
    ON CONFLICT ("idempotencyKey") DO UPDATE SET
      "status" = 'sending',
      "attempts" = "Notification"."attempts" + 1,
      "workflowId" = COALESCE(EXCLUDED."workflowId", "Notification"."workflowId"),
      "icalUid" = COALESCE(EXCLUDED."icalUid", "Notification"."icalUid"),
      "icalSequence" = COALESCE(EXCLUDED."icalSequence", "Notification"."icalSequence"),
      "icalMethod" = COALESCE(EXCLUDED."icalMethod", "Notification"."icalMethod"),
      "claimedBy" = EXCLUDED."claimedBy",
      "leaseUntil" = EXCLUDED."leaseUntil",
      "updatedAt" = EXCLUDED."updatedAt"
    WHERE "Notification"."status" NOT IN ('sent', 'failed', 'bounced')
      AND ("Notification"."leaseUntil" IS NULL OR "Notification"."leaseUntil" <= EXCLUDED."updatedAt")
    RETURNING "id", "idempotencyKey", "recipient", "subject", "workflowId", "messageId", "status", "attempts",
      "lastResponse", "leaseUntil", "alertedAt"`;
  // One statement when the line is ours (each mail's common case); a line left alone is read as it is.
  if (claimed[0]) return { kind: 'claimed', line: claimed[0] };
  const line = await db.notification.findUniqueOrThrow({
    where: { idempotencyKey: start.idempotencyKey },
    select: ENTRY,
  });
  return { kind: (FINAL_STATUSES as readonly string[]).includes(line.status) ? 'done' : 'held', line };
}

/** Extends the claim of its owner while its SMTP transaction lasts (no effect once it lost the line). */
export async function renewLease(
  db: PrismaClient,
  input: { notificationId: string; owner: string; leaseUntil: Date },
): Promise<void> {
  await db.notification.updateMany({
    where: { id: input.notificationId, claimedBy: input.owner },
    data: { leaseUntil: input.leaseUntil },
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

/** Records the server's acceptance: the line is sent, with its attempt, and its claim released (one statement). */
export async function recordSent(
  db: PrismaClient,
  input: { notificationId: string; attempt: number; response: string; at: Date },
): Promise<void> {
  const at = input.at.toISOString();
  await db.$executeRaw`
    WITH sent AS (
      UPDATE "Notification" SET "status" = 'sent', "sentAt" = ${at}::timestamp, "lastResponse" = ${input.response},
        "lastError" = NULL, "claimedBy" = NULL, "leaseUntil" = NULL, "updatedAt" = ${at}::timestamp
      WHERE "id" = ${input.notificationId}
      RETURNING "id"
    )
    INSERT INTO "NotificationAttempt" ("id", "notificationId", "attempt", "outcome", "response", "at")
    SELECT gen_random_uuid()::text, "id", ${input.attempt}::int, ${'sent' satisfies AttemptOutcome},
      ${input.response}, ${at}::timestamp
    FROM sent`;
}

/** Records a refused or failed attempt: the line is failed for good, or waits for a retry; its claim is released. */
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
      claimedBy: null,
      leaseUntil: null,
      ...(input.response ? { lastResponse: input.response } : {}),
      history: {
        create: { attempt: input.attempt, outcome: input.outcome, response: input.response, error: input.error },
      },
    },
  });
}

/**
 * Records a delivery status notification saying the mail could not be delivered: the line is
 * bounced, with the report's status and diagnostic as its last answer. Null when no line has that
 * id; a second report for the same line changes nothing and returns the line as it is.
 */
export async function recordBounce(
  db: PrismaClient,
  input: { notificationId: string; at: Date; response: string },
): Promise<LedgerEntry | null> {
  return db.$transaction(async (tx) => {
    const line = await tx.notification.findUnique({ where: { id: input.notificationId }, select: ENTRY });
    if (!line || line.status === 'bounced') return line;
    const attempt = line.attempts + 1;
    return tx.notification.update({
      where: { id: line.id },
      data: {
        status: 'bounced',
        bouncedAt: input.at,
        lastResponse: input.response,
        attempts: attempt,
        history: {
          create: { attempt, outcome: 'bounced' satisfies AttemptOutcome, response: input.response, at: input.at },
        },
      },
      select: ENTRY,
    });
  });
}

/** Marks the line's failure told to the organiser and the coordinators. */
export async function recordAlerted(db: PrismaClient, input: { notificationId: string; at: Date }): Promise<void> {
  await db.notification.updateMany({
    where: { id: input.notificationId, alertedAt: null },
    data: { alertedAt: input.at },
  });
}

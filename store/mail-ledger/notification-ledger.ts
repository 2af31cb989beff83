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

/** One line to claim: the mail it is, and who claims it until when. */
export interface LineClaim {
  start: AttemptStart;
  claim: Claim;
}

const RETURNED = `"id", "idempotencyKey", "recipient", "subject", "workflowId", "messageId", "status", "attempts",
  "lastResponse", "leaseUntil", "alertedAt"`;

/**
 * Claims lines for their attempts, in one statement: each is created, or taken when it is neither
 * done (sent, failed, bounced) nor held by a live lease, marked sending with one more attempt. Two
 * workers racing for a line cannot both win: PostgreSQL serialises the row's upsert. The keys must
 * differ (one row cannot be claimed twice in a statement); the answers come in the claims' order.
 */
export async function claimLines(db: PrismaClient, lines: readonly LineClaim[]): Promise<ClaimResult[]> {
  const column = <T>(pick: (line: LineClaim) => T) => lines.map(pick);
  const claimed = await db.$queryRawUnsafe<LedgerEntry[]>(
    `INSERT INTO "Notification" ("id", "idempotencyKey", "workflowId", "recipient", "subject", "messageId", "status",
      "attempts", "icalUid", "icalSequence", "icalMethod", "claimedBy", "leaseUntil", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, t.key, t.workflow, t.recipient, t.subject, t.message, 'sending', 1, t.uid, t.seq,
      t.method, t.owner, t.lease, t.now, t.now
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[],
      $9::text[], $10::timestamp[], $11::timestamp[])
      AS t(key, workflow, recipient, subject, message, uid, seq, method, owner, lease, now)
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
    RETURNING ${RETURNED}`,
    column((l) => l.start.idempotencyKey),
    column((l) => l.start.workflowId ?? null),
    column((l) => l.start.recipient),
    column((l) => l.start.subject),
    column((l) => l.start.messageId),
    column((l) => l.start.icalUid ?? null),
    column((l) => l.start.icalSequence ?? null),
    column((l) => l.start.icalMethod ?? null),
    column((l) => l.claim.owner),
    column((l) => l.claim.leaseUntil.toISOString()),
    column((l) => l.claim.now.toISOString()),
  );
  const byKey = new Map(claimed.map((line) => [line.idempotencyKey, line]));
  // One statement when every line is ours (the common case); the lines left alone are read as they are.
  const left = lines.map((l) => l.start.idempotencyKey).filter((key) => !byKey.has(key));
  const others =
    left.length === 0 ? [] : await db.notification.findMany({ where: { idempotencyKey: { in: left } }, select: ENTRY });
  const other = new Map(others.map((line) => [line.idempotencyKey, line]));
  return lines.map(({ start }): ClaimResult => {
    const mine = byKey.get(start.idempotencyKey);
    if (mine) return { kind: 'claimed', line: mine };
    const line = other.get(start.idempotencyKey);
    if (!line) throw new Error(`Ledger line ${start.idempotencyKey} neither claimed nor found.`);
    return { kind: (FINAL_STATUSES as readonly string[]).includes(line.status) ? 'done' : 'held', line };
  });
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

/** The server's acceptance of one line's attempt. */
export interface SentLine {
  notificationId: string;
  attempt: number;
  response: string;
  at: Date;
}

/**
 * Records the server's acceptance of lines in one statement: each is sent, with its attempt, and
 * its claim released. The lines must differ.
 */
export async function recordSentLines(db: PrismaClient, lines: readonly SentLine[]): Promise<void> {
  await db.$executeRawUnsafe(
    `WITH input AS (
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamp[]) AS t(id, attempt, response, at)
    ), sent AS (
      UPDATE "Notification" n SET "status" = 'sent', "sentAt" = input.at, "lastResponse" = input.response,
        "lastError" = NULL, "claimedBy" = NULL, "leaseUntil" = NULL, "updatedAt" = input.at
      FROM input WHERE n."id" = input.id
      RETURNING n."id", input.attempt, input.response, input.at
    )
    INSERT INTO "NotificationAttempt" ("id", "notificationId", "attempt", "outcome", "response", "at")
    SELECT gen_random_uuid()::text, "id", attempt, 'sent', response, at FROM sent`,
    lines.map((l) => l.notificationId),
    lines.map((l) => l.attempt),
    lines.map((l) => l.response),
    lines.map((l) => l.at.toISOString()),
  );
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

import type { PrismaClient } from '../../generated/prisma/client.js';

/** One attempt of one mail, from the ledger (NotificationAttempt). */
export interface LedgerAttempt {
  attempt: number;
  /** sent · retrying · failed · bounced */
  outcome: string;
  at: Date;
  error?: string | null;
}

/** One mail of the workflow, from the ledger (Notification and its attempts). */
export interface LedgerLine {
  idempotencyKey: string;
  recipient: string;
  subject: string;
  /** sending · retrying · sent · failed · bounced (absent from lines read before it was kept). */
  status?: string;
  lastResponse?: string | null;
  lastError?: string | null;
  attempts: LedgerAttempt[];
}

/**
 * Every mail a workflow sent or tried to send, with each attempt: the ledger lines of its timeline.
 * The fiche's mails name their workflow only in their key (`<workflowId>:step-…`), the meeting's and
 * poll's in `workflowId` too.
 */
export async function findWorkflowMailLedger(prisma: PrismaClient, workflowId: string): Promise<LedgerLine[]> {
  const rows = await prisma.notification.findMany({
    where: { OR: [{ workflowId }, { idempotencyKey: { startsWith: `${workflowId}:` } }] },
    select: {
      idempotencyKey: true,
      recipient: true,
      subject: true,
      status: true,
      lastResponse: true,
      lastError: true,
      history: { select: { attempt: true, outcome: true, at: true, error: true }, orderBy: { attempt: 'asc' } },
    },
  });
  return rows.map(({ history, ...line }) => ({ ...line, attempts: history }));
}

import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { groupCommit } from '../database/group-commit.js';
import { findAlertAudience } from './alert-audience.js';
import {
  claimLines,
  findLedgerEntry,
  findLedgerEntryById,
  recordAlerted,
  recordBounce,
  recordFailedAttempt,
  recordInterruptedAttempt,
  recordSentLines,
  renewLease,
  type AttemptStart,
  type Claim,
  type ClaimResult,
  type LineClaim,
  type SentLine,
} from './notification-ledger.js';
import { flagRefusedAddress } from './refused-addresses.js';
import { findWorkflowMailLedger } from './workflow-mail-ledger.js';
import { findWorkflowSubject } from './workflow-convention.js';

/** How long the first acceptance waits for others before they are written together. */
const ACCEPTANCES_GATHERED_MS = 10;

/**
 * The notification ledger: every mail sent or tried, once per key, with each attempt. A line's claim
 * and its acceptance, written for every mail, are group-committed: the mails in flight at once share
 * a statement.
 */
export function createMailLedgerStore(db: PrismaClient) {
  const bind = bindTo(db);
  const claim = groupCommit((lines: readonly LineClaim[]) => claimLines(db, lines), {
    key: (line) => line.start.idempotencyKey,
  });
  const recordSent = groupCommit(
    async (lines: readonly SentLine[]) => {
      await recordSentLines(db, lines);
      return lines.map(() => undefined);
    },
    // Acceptances come one by one, as the pool's connections finish: gathered for a few milliseconds, more
    // than twice as many share a statement (bench/README.md, 2026-12-06). The window between the server's
    // 250 and its record grows by as much.
    { key: (line) => line.notificationId, gatherMs: ACCEPTANCES_GATHERED_MS },
  );
  return {
    find: bind(findLedgerEntry),
    findById: bind(findLedgerEntryById),
    claim: (start: AttemptStart, by: Claim): Promise<ClaimResult> => claim({ start, claim: by }),
    renewLease: bind(renewLease),
    recordInterrupted: bind(recordInterruptedAttempt),
    recordSent: (line: SentLine): Promise<void> => recordSent(line),
    recordFailed: bind(recordFailedAttempt),
    recordBounce: bind(recordBounce),
    recordAlerted: bind(recordAlerted),
    flagRefusedAddress: bind(flagRefusedAddress),
    alertAudience: bind(findAlertAudience),
    ofWorkflow: bind(findWorkflowMailLedger),
    workflowSubject: bind(findWorkflowSubject),
  };
}

export type MailLedgerStore = ReturnType<typeof createMailLedgerStore>;

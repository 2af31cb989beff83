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
    { key: (line) => line.notificationId },
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

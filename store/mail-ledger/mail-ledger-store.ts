import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { findAlertAudience } from './alert-audience.js';
import {
  claimLine,
  findLedgerEntry,
  findLedgerEntryById,
  recordAlerted,
  recordBounce,
  recordFailedAttempt,
  recordInterruptedAttempt,
  recordSent,
  renewLease,
} from './notification-ledger.js';
import { flagRefusedAddress } from './refused-addresses.js';
import { findWorkflowMailLedger } from './workflow-mail-ledger.js';
import { findWorkflowSubject } from './workflow-convention.js';

/** The notification ledger: every mail sent or tried, once per key, with each attempt. */
export function createMailLedgerStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    find: bind(findLedgerEntry),
    findById: bind(findLedgerEntryById),
    claim: bind(claimLine),
    renewLease: bind(renewLease),
    recordInterrupted: bind(recordInterruptedAttempt),
    recordSent: bind(recordSent),
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

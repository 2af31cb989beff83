import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import {
  findLedgerEntry,
  recordFailedAttempt,
  recordInterruptedAttempt,
  recordSent,
  startAttempt,
} from './notification-ledger.js';
import { findWorkflowMailLedger } from './workflow-mail-ledger.js';

/** The notification ledger: every mail sent or tried, once per key, with each attempt. */
export function createMailLedgerStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    find: bind(findLedgerEntry),
    startAttempt: bind(startAttempt),
    recordInterrupted: bind(recordInterruptedAttempt),
    recordSent: bind(recordSent),
    recordFailed: bind(recordFailedAttempt),
    ofWorkflow: bind(findWorkflowMailLedger),
  };
}

export type MailLedgerStore = ReturnType<typeof createMailLedgerStore>;

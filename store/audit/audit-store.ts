import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { listAuditEvents } from './list-audit-events.js';
import { recordAuditEvent } from './record-audit-event.js';

/** The audit log: who did what, when. */
export function createAuditStore(db: PrismaClient) {
  const bind = bindTo(db);
  return { list: bind(listAuditEvents), record: bind(recordAuditEvent) };
}

export type AuditStore = ReturnType<typeof createAuditStore>;

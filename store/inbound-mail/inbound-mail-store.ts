import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { findInboundOutcomes, recordInboundMessage } from './inbound-messages.js';

/** The messages of the reply mailbox already read, so none is read twice. */
export function createInboundMailStore(db: PrismaClient) {
  const bind = bindTo(db);
  return { outcomesOf: bind(findInboundOutcomes), record: bind(recordInboundMessage) };
}

export type InboundMailStore = ReturnType<typeof createInboundMailStore>;

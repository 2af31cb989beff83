import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import {
  findDecisionsPublication,
  findPublicConvention,
  listPublishedDecisions,
  publishDecisions,
} from './published-decisions.js';

/** What the public may read of a convention: its published relevés de décisions. */
export function createOpenDataStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    publishDecisions: bind(publishDecisions),
    findPublication: bind(findDecisionsPublication),
    findConvention: bind(findPublicConvention),
    listDecisions: bind(listPublishedDecisions),
  };
}

export type OpenDataStore = ReturnType<typeof createOpenDataStore>;

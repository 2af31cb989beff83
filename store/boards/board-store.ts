import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { listUnansweredInvitations, listUnpublishedReleves } from './awaiting.js';
import { countFichesByStage, findStructureKind } from './departement-overview.js';

/** The boards across conventions: what waits for a person everywhere, and the département's view. */
export function createBoardStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    listUnansweredInvitations: bind(listUnansweredInvitations),
    listUnpublishedReleves: bind(listUnpublishedReleves),
    countFichesByStage: bind(countFichesByStage),
    findStructureKind: bind(findStructureKind),
  };
}

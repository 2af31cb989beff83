import type { AuditFilter } from '../../domain/audit-filter.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

/** One line of the audit log. */
export interface AuditLine {
  id: string;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  details: unknown;
}

/**
 * The audit log, newest first, a page of `limit` lines, narrowed by a period (`since` included,
 * `until` excluded), an actor (whatever the case), an action (`fiche` takes every `fiche.…`) or a subject.
 */
export async function listAuditEvents(
  prisma: PrismaClient,
  filter: AuditFilter & { limit: number; offset?: number; subject?: string },
): Promise<{ total: number; lines: AuditLine[] }> {
  const where: Prisma.AuditEventWhereInput = {
    ...(filter.since || filter.until
      ? { at: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } }
      : {}),
    ...(filter.actor ? { actor: { equals: filter.actor, mode: 'insensitive' } } : {}),
    ...(filter.action ? { OR: [{ action: filter.action }, { action: { startsWith: `${filter.action}.` } }] } : {}),
    ...(filter.subject ? { subject: filter.subject } : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.auditEvent.count({ where }),
    prisma.auditEvent.findMany({
      where,
      orderBy: [{ at: 'desc' }, { createdAt: 'desc' }],
      take: filter.limit,
      skip: filter.offset ?? 0,
    }),
  ]);
  return {
    total,
    lines: rows.map(({ id, at, actor, action, subject, details }) => ({ id, at, actor, action, subject, details })),
  };
}

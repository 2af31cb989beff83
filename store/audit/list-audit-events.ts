import type { PrismaClient } from '../../generated/prisma/client.js';

/** One line of the audit log. */
export interface AuditLine {
  id: string;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  details: unknown;
}

/** The audit log, newest first, a page of `limit` lines; `actor` or `subject` narrow it. */
export async function listAuditEvents(
  prisma: PrismaClient,
  filter: { limit: number; offset?: number; actor?: string; subject?: string },
): Promise<{ total: number; lines: AuditLine[] }> {
  const where = {
    ...(filter.actor ? { actor: filter.actor } : {}),
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

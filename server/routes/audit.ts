import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseAuditFilter } from '../../domain/audit-filter.js';
import { parseInput } from '../../domain/validation.js';
import { auditCsv } from '../../documents/csv/audit-csv.js';
import type { Store } from '../../store/index.js';
import { auditActionLabel } from '../pages/audit-page.js';
import { route } from '../route.js';

type AuditQuery = { Querystring: Record<string, string | undefined> };

/** The most lines one answer gives: a longer period is read page by page (`offset`). */
export const AUDIT_API_MAX = 10_000;
/** The most lines one CSV export holds. */
export const AUDIT_CSV_MAX = 100_000;

const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(AUDIT_API_MAX).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});

const FILTERS =
  '?since=&until= (a day, 2026-12-01, in Paris time, or an ISO instant), &actor= (an address), ' +
  '&action= (`fiche` takes every `fiche.…`)';

/**
 * The audit log for admins: every human act (RSVP, votes, imports, sign-ins and refused ones,
 * tokens, fiche creations, lifecycle steps), filtered by period, actor and action, as JSON (what
 * `concerto audit` reads) or as a CSV file for spreadsheets.
 */
export const auditRoutes: FastifyPluginAsync<{ store: Store }> = async (app, deps) => {
  route<AuditQuery>(
    app,
    {
      method: 'GET',
      url: '/api/audit',
      summary: `The audit log, newest first: ${FILTERS}, &limit= &offset=`,
      tag: 'journal',
      access: 'admin',
      success: { status: 200, description: '{ total, events: [{ at, actor, action, label, subject, details }] }' },
    },
    async (request) => {
      const filter = parseAuditFilter(request.query);
      const page = parseInput(pageSchema, { limit: request.query.limit, offset: request.query.offset });
      const log = await deps.store.audit.list({ ...filter, ...page });
      return {
        total: log.total,
        events: log.lines.map((line) => ({
          at: line.at.toISOString(),
          actor: line.actor,
          action: line.action,
          label: auditActionLabel(line.action),
          subject: line.subject,
          details: line.details,
        })),
      };
    },
  );

  route<AuditQuery>(
    app,
    {
      method: 'GET',
      url: '/api/audit.csv',
      summary: `The audit log as a CSV file (French headers, safe from formulas): ${FILTERS}`,
      tag: 'journal',
      access: 'admin',
      success: { status: 200, description: 'CSV file', contentType: 'text/csv' },
    },
    async (request, reply) => {
      const log = await deps.store.audit.list({ ...parseAuditFilter(request.query), limit: AUDIT_CSV_MAX });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="journal.csv"')
        .send(auditCsv(log.lines.map((line) => ({ ...line, label: auditActionLabel(line.action) }))));
    },
  );
};

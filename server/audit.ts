import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../store/audit/record-audit-event.js';
import type { Store } from '../store/index.js';
import { routeViewer } from './route.js';

/**
 * Writes an act of the signed-in person to the audit log, as a route knows it once done (an
 * import, a demo loaded): `(action, subject, details)`, the person and the time filled in.
 */
export function auditAs(store: Store, request: FastifyRequest) {
  const actor = routeViewer(request).email;
  return (action: string, subject: string, details?: AuditEntry['details']) =>
    store.audit.record({ actor, action, subject, ...(details === undefined ? {} : { details }), at: new Date() });
}

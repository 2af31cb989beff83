import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

/** One human act for the audit log: who (an address, or « anonyme »), what, on what, when. */
export interface AuditEntry {
  actor: string;
  /** `<subject kind>.<verb>`, e.g. `token.create`, `signin.refused`. */
  action: string;
  /** `<kind>:<id>`, e.g. `fiche:…`, `person:alice@example.org`. */
  subject: string;
  details?: Prisma.InputJsonValue;
  at: Date;
  /** Once per key: a retried write finds its line and writes nothing. */
  key?: string;
}

/** Writes one line of the audit log (with a key, once). */
export async function recordAuditEvent(prisma: Pick<PrismaClient, 'auditEvent'>, entry: AuditEntry): Promise<void> {
  const { details, key, ...line } = entry;
  await prisma.auditEvent.createMany({
    data: [{ ...line, ...(details === undefined ? {} : { details }), ...(key ? { key } : {}) }],
    skipDuplicates: true,
  });
}

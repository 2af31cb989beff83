import {
  diffContents,
  type FicheContent,
  type FicheContentEdit,
  type FieldChange,
} from '../../domain/fiche-content.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { readFicheContent, writeFicheContent } from './fiche-content.js';

export interface SaveContentInput {
  /** One edit per key: a retried activity finds its audit line and writes nothing again. */
  idempotencyKey: string;
  conventionId: string;
  ficheId: string;
  version: number;
  edit: FicheContentEdit;
  actorEmail: string;
  at: string;
}

/**
 * Writes the edit and its audit line (with what changed) together, or neither; a key already
 * recorded changes nothing. A reference that vanished since the API checked it throws a DomainError.
 */
export async function saveFicheContent(
  db: PrismaClient,
  input: SaveContentInput,
): Promise<{ content: FicheContent; changes: FieldChange[] }> {
  return db.$transaction(async (tx) => {
    const before = await readFicheContent(tx, input.ficheId, input.version);
    if (await tx.auditEvent.findUnique({ where: { key: input.idempotencyKey } })) {
      return { content: before, changes: [] };
    }
    const content = await writeFicheContent(tx, input);
    const changes = diffContents(before, content);
    await tx.auditEvent.create({
      data: {
        key: input.idempotencyKey,
        actor: input.actorEmail,
        action: 'fiche.editContent',
        subject: `fiche:${input.ficheId}`,
        details: {
          version: input.version,
          changes: changes.map((c) => ({ field: c.field, before: c.before, after: c.after })),
        },
        at: new Date(input.at),
      },
    });
    return { content, changes };
  });
}

import { ApplicationFailure } from '@temporalio/activity';
import { DomainError } from '../domain/errors.js';
import { diffContents, type FicheContent, type FicheContentEdit, type FieldChange } from '../domain/fiche-content.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { readFicheContent, writeFicheContent } from '../store/fiches/fiche-content.js';

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

/** Writing a draft's content. Built on a Prisma client so tests pass a real database. */
export function createFicheContentActivities(prisma: PrismaClient) {
  return {
    /**
     * Writes the edit and its audit line (with what changed) together, or neither. A reference
     * that vanished since the API checked it fails for good: retrying would not bring it back.
     */
    async saveFicheContent(input: SaveContentInput): Promise<{ content: FicheContent; changes: FieldChange[] }> {
      try {
        return await prisma.$transaction(async (tx) => {
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
      } catch (error) {
        if (error instanceof DomainError)
          throw ApplicationFailure.nonRetryable(error.message, error.code, {
            field: error.field,
            issues: error.issues,
          });
        throw error;
      }
    },
  };
}

export type FicheContentActivities = ReturnType<typeof createFicheContentActivities>;

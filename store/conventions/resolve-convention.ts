import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { nonEmptyText, parseInput } from '../../domain/validation.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * Finds the convention a request names, by id or slug; with no name, the only convention there
 * is. Errors name the `convention` field and say what to send.
 */
export async function resolveConvention(prisma: PrismaClient, ref: unknown): Promise<{ id: string; slug: string }> {
  const { convention: key } = parseInput(referenceSchema, { convention: ref }, { what: 'la convention' });
  if (key !== undefined) {
    const found = await prisma.convention.findFirst({
      where: { OR: [{ id: key }, { slug: key }] },
      select: { id: true, slug: true },
    });
    if (!found)
      throw new DomainError(
        'INVALID_INPUT',
        `Aucune convention « ${key} » : vérifiez l’identifiant ou le slug.`,
        'convention',
      );
    return found;
  }
  const all = await prisma.convention.findMany({ select: { id: true, slug: true }, take: 2 });
  if (all.length === 1) return all[0]!;
  throw new DomainError(
    'INVALID_INPUT',
    all.length === 0
      ? 'Aucune convention n’existe encore : chargez la démonstration (npm run demo) ou importez une convention.'
      : 'Plusieurs conventions existent : précisez laquelle dans « convention » (identifiant ou slug).',
    'convention',
  );
}

const referenceSchema = z.object({
  convention: nonEmptyText(64, {
    required: '« convention » doit être l’identifiant ou le slug d’une convention.',
  }).optional(),
});

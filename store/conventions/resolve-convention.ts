import { DomainError } from '../../domain/errors.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * Finds the convention a request names, by id or slug; with no name, the only convention there
 * is. Errors name the `convention` field and say what to send.
 */
export async function resolveConvention(prisma: PrismaClient, ref: unknown): Promise<{ id: string; slug: string }> {
  if (ref !== undefined && (typeof ref !== 'string' || ref.trim() === '')) {
    throw new DomainError(
      'INVALID_INPUT',
      '« convention » doit être l’identifiant ou le slug d’une convention.',
      'convention',
    );
  }
  if (typeof ref === 'string') {
    const key = ref.trim();
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

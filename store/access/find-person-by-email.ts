import type { PrismaClient } from '../../generated/prisma/client.js';

/** The person whose address is that one, whatever its case, or null. */
export async function findPersonByEmail(
  db: PrismaClient,
  email: string,
): Promise<{ id: string; email: string; displayName: string } | null> {
  return db.person.findFirst({
    where: { email: { equals: email, mode: 'insensitive' } },
    select: { id: true, email: true, displayName: true },
  });
}

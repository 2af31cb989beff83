import type { PrismaClient } from '../../generated/prisma/client.js';

/** The display name of the person of that address, or null when nobody has it. */
export async function findPersonName(db: PrismaClient, email: string): Promise<string | null> {
  const person = await db.person.findUnique({ where: { email: email.toLowerCase() }, select: { displayName: true } });
  return person?.displayName ?? null;
}

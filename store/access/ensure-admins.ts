import type { PrismaClient } from '../../generated/prisma/client.js';

/** The person who holds the local CLI's token when no admin is named nor exists. */
export interface FallbackAdmin {
  email: string;
  displayName: string;
}

/**
 * Makes each address an admin (creating a person for an unknown one) and names the one who holds
 * the local CLI's token: the first address, else the earliest admin, else the fallback, created.
 */
export async function ensureAdmins(
  db: PrismaClient,
  admins: readonly string[],
  fallback: FallbackAdmin,
): Promise<{ personId: string; email: string }> {
  const holder = { id: true, email: true } as const;
  let first: { id: string; email: string } | undefined;
  for (const email of admins) {
    const person = await db.person.upsert({
      where: { email },
      update: { admin: true },
      create: { email, displayName: email, admin: true },
      select: holder,
    });
    first ??= person;
  }
  const found =
    first ??
    (await db.person.findFirst({ where: { admin: true }, orderBy: { createdAt: 'asc' }, select: holder })) ??
    (await db.person.create({ data: { ...fallback, admin: true }, select: holder }));
  return { personId: found.id, email: found.email };
}

import type { PrismaClient } from '../../generated/prisma/client.js';

/** Flags the person of that address as refused by their mail server, with its answer (shown on pages, in the CLI). */
export async function flagRefusedAddress(
  db: PrismaClient,
  input: { email: string; at: Date; refusal: string },
): Promise<void> {
  await db.person.updateMany({
    where: { email: { equals: input.email, mode: 'insensitive' } },
    data: { mailRefusedAt: input.at, mailRefusal: input.refusal },
  });
}

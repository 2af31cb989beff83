import type { Audience } from '../../domain/fiche-notices.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

export interface ResolveAudienceInput {
  conventionId: string;
  ficheId: string;
  audience: Audience;
}

/** The addresses of a fiche's audience, lower-cased, sorted and without duplicates. */
export async function resolveFicheAudience(
  db: PrismaClient,
  { conventionId, ficheId, audience }: ResolveAudienceInput,
): Promise<string[]> {
  const fiche = await db.ficheAction.findUniqueOrThrow({
    where: { id: ficheId },
    include: { versions: { orderBy: { version: 'desc' }, take: 1, include: { pilote: true } } },
  });
  let emails: string[];
  if (audience.kind === 'author') emails = [fiche.authorEmail];
  else if (audience.kind === 'pilot') emails = [fiche.versions[0]?.pilote?.email ?? fiche.authorEmail];
  else if (audience.kind === 'partner') {
    // Whoever speaks for a structure of that kind and sits in the convention may record its opinion (domain/access.ts).
    const referents = await db.person.findMany({
      where: { structure: { kind: audience.partner }, memberships: { some: { instance: { conventionId } } } },
      select: { email: true },
    });
    emails = referents.map((p) => p.email);
  } else {
    const members = await db.membership.findMany({
      where: {
        instance: {
          conventionId,
          ...(audience.kind === 'gtt'
            ? fiche.gttId
              ? { id: fiche.gttId }
              : { kind: 'gtt' }
            : { kind: audience.instanceKind }),
        },
        ...(audience.kind === 'role' ? { role: { in: audience.roles } } : {}),
      },
      include: { person: { select: { email: true } } },
    });
    emails = members.map((m) => m.person.email);
  }
  return [...new Set(emails.map((e) => e.toLowerCase()))].sort();
}

import type { Audience } from '../../domain/fiche-notices.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

export interface ResolveAudienceInput {
  conventionId: string;
  ficheId: string;
  audience: Audience;
}

export interface ResolveAudiencesInput {
  conventionId: string;
  ficheId: string;
  audiences: readonly Audience[];
}

/** The addresses of a fiche's audience, lower-cased, sorted and without duplicates. */
export async function resolveFicheAudience(
  db: PrismaClient,
  { conventionId, ficheId, audience }: ResolveAudienceInput,
): Promise<string[]> {
  const [emails] = await resolveFicheAudiences(db, { conventionId, ficheId, audiences: [audience] });
  return emails!;
}

/**
 * The addresses of each of a fiche's audiences, in their order, each lower-cased, sorted and without
 * duplicates — read in one statement: a step's notices go to several audiences at once.
 */
export async function resolveFicheAudiences(
  db: PrismaClient,
  { conventionId, ficheId, audiences }: ResolveAudiencesInput,
): Promise<string[][]> {
  const params: unknown[] = [ficheId, conventionId];
  const param = (value: unknown) => `$${params.push(value)}`;
  // Row -1 says the fiche exists in that convention; row i holds an address of audiences[i].
  const parts = ['SELECT -1 AS i, f.id AS email FROM "FicheAction" f WHERE f.id = $1 AND f."conventionId" = $2'];
  audiences.forEach((audience, i) => parts.push(`SELECT ${i} AS i, a.email FROM (${addresses(audience, param)}) a`));
  const rows = await db.$queryRawUnsafe<{ i: number; email: string | null }[]>(parts.join(' UNION ALL '), ...params);
  if (!rows.some((row) => row.i === -1)) throw new Error(`No fiche ${ficheId} in convention ${conventionId}.`);
  return audiences.map((_, i) => {
    const emails = rows.filter((row) => row.i === i && row.email).map((row) => row.email!.toLowerCase());
    return [...new Set(emails)].sort();
  });
}

/** The SELECT of one audience's addresses (column `email`); $1 is the fiche, $2 its convention. */
function addresses(audience: Audience, param: (value: unknown) => string): string {
  switch (audience.kind) {
    case 'author':
      return 'SELECT "authorEmail" AS email FROM "FicheAction" WHERE id = $1';
    case 'pilot':
      // The latest version's pilot, or the author when it names none.
      return `SELECT COALESCE(
          (SELECT p.email FROM "FicheVersion" v JOIN "Person" p ON p.id = v."piloteId"
            WHERE v."ficheId" = $1 AND v.version = (SELECT MAX(version) FROM "FicheVersion" WHERE "ficheId" = $1)),
          f."authorEmail") AS email FROM "FicheAction" f WHERE f.id = $1`;
    case 'partner':
      // Whoever speaks for a structure of that kind and sits in the convention may record its opinion
      // (domain/access.ts).
      return `SELECT p.email FROM "Person" p JOIN "Structure" s ON s.id = p."structureId"
        WHERE s.kind = ${param(audience.partner)} AND EXISTS (
          SELECT 1 FROM "Membership" m JOIN "Instance" n ON n.id = m."instanceId"
          WHERE m."personId" = p.id AND n."conventionId" = $2)`;
    default: {
      // The fiche's GTT, or every GTT while it has none.
      const instance =
        audience.kind === 'gtt'
          ? `COALESCE(n.id = (SELECT "gttId" FROM "FicheAction" WHERE id = $1), n.kind = 'gtt')`
          : `n.kind = ${param(audience.instanceKind)}`;
      const role = audience.kind === 'role' ? ` AND m.role = ANY(${param(audience.roles)}::text[])` : '';
      return `SELECT p.email FROM "Membership" m JOIN "Instance" n ON n.id = m."instanceId"
        JOIN "Person" p ON p.id = m."personId" WHERE n."conventionId" = $2 AND ${instance}${role}`;
    }
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Audience } from '../../domain/fiche-notices.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { resolveFicheAudience, resolveFicheAudiences } from '../../store/fiches/resolve-audience.js';
import { DATABASE_KINDS, openTestDatabase } from '../helpers/database.js';

/** The same audience read the plain way, one Prisma query per relation: what the one statement must agree with. */
async function oracle(db: PrismaClient, conventionId: string, ficheId: string, audience: Audience): Promise<string[]> {
  const fiche = await db.ficheAction.findUniqueOrThrow({
    where: { id: ficheId },
    include: { versions: { orderBy: { version: 'desc' }, take: 1, include: { pilote: true } } },
  });
  let emails: string[];
  if (audience.kind === 'author') emails = [fiche.authorEmail];
  else if (audience.kind === 'pilot') emails = [fiche.versions[0]?.pilote?.email ?? fiche.authorEmail];
  else if (audience.kind === 'partner') {
    const people = await db.person.findMany({
      where: { structure: { kind: audience.partner }, memberships: { some: { instance: { conventionId } } } },
    });
    emails = people.map((p) => p.email);
  } else {
    const instance =
      audience.kind === 'gtt' ? (fiche.gttId ? { id: fiche.gttId } : { kind: 'gtt' }) : { kind: audience.instanceKind };
    const members = await db.membership.findMany({
      where: {
        instance: { conventionId, ...instance },
        ...(audience.kind === 'role' ? { role: { in: audience.roles } } : {}),
      },
      include: { person: true },
    });
    emails = members.map((m) => m.person.email);
  }
  return [...new Set(emails.map((e) => e.toLowerCase()))].sort();
}

const AUDIENCES: Audience[] = [
  { kind: 'author' },
  { kind: 'pilot' },
  { kind: 'gtt' },
  { kind: 'instance', instanceKind: 'cotech' },
  { kind: 'instance', instanceKind: 'copil' },
  { kind: 'role', instanceKind: 'cotech', roles: ['secretaire'] },
  { kind: 'role', instanceKind: 'copil', roles: ['president', 'vice_president'] },
  { kind: 'partner', partner: 'caf' },
  { kind: 'partner', partner: 'msa' },
];

describe.each(DATABASE_KINDS)('a fiche’s audiences in one statement, on %s', (kind) => {
  let database: Database;
  let db: PrismaClient;
  let conventionId: string;
  let gttIds: string[];
  let pilotEmail: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.prisma;
    await loadDemo(db);
    const convention = await db.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } });
    conventionId = convention.id;
    gttIds = (await db.instance.findMany({ where: { conventionId, kind: 'gtt' }, orderBy: { slug: 'asc' } })).map(
      (i) => i.id,
    );
    pilotEmail = (await db.person.findFirstOrThrow({ where: { memberships: { some: { instanceId: gttIds[0] } } } }))
      .email;
  }, 120_000);
  afterAll(() => database?.close());

  async function createFiche(code: string, gttId: string | null, pilots: (string | null)[]) {
    const fiche = await db.ficheAction.create({
      data: { conventionId, code, gttId, status: 'brouillon', authorEmail: 'Auteure.Fiche@Example.org' },
    });
    for (const [i, pilot] of pilots.entries()) {
      const piloteId = pilot ? (await db.person.findUniqueOrThrow({ where: { email: pilot } })).id : null;
      await db.ficheVersion.create({
        data: {
          ficheId: fiche.id,
          version: i + 1,
          title: code,
          piloteId,
          state: 'brouillon',
          createdBy: 'x@example.org',
        },
      });
    }
    return fiche.id;
  }

  it.each([
    ['of one GTT, piloted in its latest version', 'FA-T1', 0, [null, 'pilot']],
    ['of no GTT yet, its latest version without a pilot (an earlier one had one)', 'FA-T2', null, ['pilot', null]],
  ] as const)('agrees with the plain reads for a fiche %s', async (_, code, gtt, pilots) => {
    const ficheId = await createFiche(
      code,
      gtt === null ? null : gttIds[gtt]!,
      pilots.map((p) => (p ? pilotEmail : null)),
    );
    const together = await resolveFicheAudiences(db, { conventionId, ficheId, audiences: AUDIENCES });
    for (const [i, audience] of AUDIENCES.entries()) {
      const expected = await oracle(db, conventionId, ficheId, audience);
      expect(together[i], JSON.stringify(audience)).toEqual(expected);
      expect(await resolveFicheAudience(db, { conventionId, ficheId, audience })).toEqual(expected);
    }
    // The cases differ where they should: the GTT's members and the pilot.
    expect(together[0]).toEqual(['auteure.fiche@example.org']);
    expect(together[1]).toEqual([gtt === null ? 'auteure.fiche@example.org' : pilotEmail.toLowerCase()]);
    expect(together[2]!.length).toBeGreaterThan(0);
    expect(together[7]!.length).toBeGreaterThan(0);
  });

  it('fails for a fiche that is not in the convention', async () => {
    await expect(
      resolveFicheAudiences(db, { conventionId, ficheId: 'no-such-fiche', audiences: [{ kind: 'author' }] }),
    ).rejects.toThrow(/no-such-fiche/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConventionSetup } from '../../domain/convention-setup.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Database } from '../../store/database/open-database.js';
import { exportConventionSetup } from '../../store/conventions/export-convention-setup.js';
import { importConventionSetup, previewConventionSetup } from '../../store/conventions/import-convention-setup.js';
import { importMembersCsv, previewMembersCsv } from '../../store/conventions/import-members-csv.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { openTestDatabase } from '../helpers/database.js';

// The dry runs the import page shows before anything is written: the same reading and checks as
// the imports (the API's), what each line or record would create or change, or every problem with
// its line and column; and nothing written, until the import itself does what the preview said.

const SLUG = DEMO_CONVENTION_SLUG;
const HEADER = 'email;nom;fonction;structure;instance;role;siege;represente';

/** What a dry run must leave as it was. */
async function snapshot(prisma: PrismaClient) {
  return {
    people: await prisma.person.findMany({ select: { email: true, displayName: true, title: true } }),
    memberships: await prisma.membership.findMany({ select: { id: true, role: true, seat: true } }),
    structures: await prisma.structure.count(),
    conventions: await prisma.convention.findMany({ select: { slug: true, name: true } }),
  };
}

describe('import previews (PGlite, the demo convention)', () => {
  let db: Database;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    prisma = db.prisma;
    await loadDemo(prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('members CSV: each line’s outcome and changes, nothing written, then the import does just that', async () => {
    const member = await prisma.membership.findFirstOrThrow({
      where: { instance: { slug: 'gtt-1', convention: { slug: SLUG } }, role: 'membre' },
      include: { person: true, instance: true },
    });
    const csv = [
      HEADER,
      'nouvelle.personne@example.org;Nouvelle personne (exemple);Animatrice;;gtt-1;membre;;',
      `${member.person.email};;;;gtt-1;membre;${member.seat};`,
      `${member.person.email};;;;gtt-1;technicien;${member.seat};`.replace('gtt-1', 'gtt-2'),
    ].join('\n');
    const before = await snapshot(prisma);
    const preview = await previewMembersCsv(prisma, SLUG, csv);
    expect(await snapshot(prisma)).toEqual(before);

    expect(preview.problems).toEqual([]);
    expect(preview.rows.map((r) => [r.line, r.email, r.instance, r.outcome])).toEqual([
      [2, 'nouvelle.personne@example.org', 'gtt-1', 'created'],
      [3, member.person.email, 'gtt-1', expect.stringMatching(/^(unchanged|updated)$/)],
      [4, member.person.email, 'gtt-2', expect.any(String)],
    ]);
    expect(preview.rows[0]!.changes).toEqual(['nouvelle personne', 'nouveau siège dans « gtt-1 »']);
    expect(preview.rows[0]!.name).toBe('Nouvelle personne (exemple)');
    expect(preview.rows[1]!.name).toBe(member.person.displayName);

    expect(await importMembersCsv(prisma, SLUG, csv)).toEqual(preview.summary);
    // Once imported, the same file previews as unchanged, line by line.
    const again = await previewMembersCsv(prisma, SLUG, csv);
    expect(again.rows.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(again.summary).toEqual({ created: 0, updated: 0, unchanged: 3 });
  });

  it('members CSV: a changed role is named with what it was', async () => {
    const member = await prisma.membership.findFirstOrThrow({
      where: { instance: { slug: 'gtt-3', convention: { slug: SLUG } }, role: 'membre' },
      include: { person: true, structure: true },
    });
    const line = `${member.person.email};;;${member.structure?.slug ?? ''};gtt-3;technicien;${member.seat};`;
    const preview = await previewMembersCsv(prisma, SLUG, `${HEADER}\n${line}\n`);
    expect(preview.rows).toMatchObject([{ line: 2, outcome: 'updated', changes: ['rôle : membre → technicien'] }]);
    expect(preview.summary).toEqual({ created: 0, updated: 1, unchanged: 0 });
  });

  it('members CSV: every problem with its line and column, in French, the API’s words', async () => {
    const csv = [
      HEADER,
      'pas-une-adresse;Quelqu’un;;;gtt-1;membre;;',
      'x@example.org;X;;;gtt-9;chef;;',
      'y@example.org;Y;;;gtt-1;membre;;',
    ].join('\n');
    const before = await snapshot(prisma);
    const preview = await previewMembersCsv(prisma, SLUG, csv);
    expect(preview.rows).toEqual([]);
    expect(preview.problems).toEqual([
      { line: 2, column: 'email', message: '« pas-une-adresse » n’est pas une adresse e-mail valide' },
      { line: 3, column: 'instance', message: expect.stringMatching(/^instance « gtt-9 » inconnue/) },
      { line: 3, column: 'role', message: expect.stringMatching(/^rôle « chef » inconnu/) },
    ]);
    // The import refuses the same file with the same words, line by line.
    const refused = await importMembersCsv(prisma, SLUG, csv).catch((error: unknown) => error);
    expect((refused as { issues: unknown }).issues).toEqual([
      { field: 'ligne 2', message: 'Ligne 2 : « pas-une-adresse » n’est pas une adresse e-mail valide.' },
      {
        field: 'ligne 3',
        message: expect.stringMatching(/^Ligne 3 : instance « gtt-9 » inconnue .* ; rôle « chef » inconnu/),
      },
    ]);
    expect(await snapshot(prisma)).toEqual(before);
  });

  it('members CSV: a forbidden character names its column; a bad header and the charter their line', async () => {
    const bidi = await previewMembersCsv(
      prisma,
      SLUG,
      `${HEADER}\nbidi@example.org;Nom \u202Einversé;;;gtt-1;membre;;`,
    );
    expect(bidi.problems).toEqual([
      { line: 2, column: 'nom', message: expect.stringMatching(/« nom » contient un caractère interdit, U\+202E/) },
    ]);
    const header = await previewMembersCsv(prisma, SLUG, 'mail;nom;instance\nx@example.org;X;copil\n');
    expect(header.problems).toEqual([
      { line: 1, column: null, message: expect.stringMatching(/colonne 1 « mail » inconnue/) },
    ]);
    const charter = await previewMembersCsv(
      prisma,
      SLUG,
      [
        HEADER,
        'benevole.centre-socioculturel@example.org;Bénévole du centre ' +
          'socioculturel (exemple);;centre-socioculturel-exemple;copil;membre;;',
      ].join('\n'),
    );
    expect(charter.problems).toEqual([
      { line: 2, column: null, message: expect.stringMatching(/3 personnes de la structure/) },
    ]);
  });

  it('setup: the records it would create and change, rolled back; then the import writes the same', async () => {
    const setup = (await exportConventionSetup(prisma, SLUG)) as ConventionSetup;
    const renamed = setup.people[0]!;
    const edited: ConventionSetup = {
      ...setup,
      convention: { ...setup.convention, name: `${setup.convention.name} (révisée)` },
      people: setup.people.map((p) => (p === renamed ? { ...p, displayName: 'Nom corrigé (exemple)' } : p)),
      structures: [
        ...setup.structures,
        { slug: 'nouvelle-structure', name: 'Nouvelle structure (exemple)', kind: 'association' },
      ],
    };
    const before = await snapshot(prisma);
    const preview = await previewConventionSetup(prisma, edited);
    expect(await snapshot(prisma)).toEqual(before);
    expect(preview.problems).toEqual([]);
    expect(preview.changes).toEqual(
      expect.arrayContaining([
        { step: 'structures', key: 'nouvelle-structure', outcome: 'created' },
        { step: 'personnes', key: renamed.email, outcome: 'updated' },
        { step: 'convention', key: SLUG, outcome: 'updated' },
      ]),
    );
    expect(preview.changes).toHaveLength(3);
    expect(preview.summary).toMatchObject({ created: 1, updated: 2, removed: 0 });

    expect(await importConventionSetup(prisma, edited)).toEqual(preview.summary);
    expect((await prisma.person.findUniqueOrThrow({ where: { email: renamed.email } })).displayName).toBe(
      'Nom corrigé (exemple)',
    );
  });

  it('setup: every problem by its field, nothing written', async () => {
    const setup = (await exportConventionSetup(prisma, SLUG)) as ConventionSetup;
    const broken = {
      ...setup,
      people: [{ ...setup.people[0]!, email: 'pas-une-adresse' }, ...setup.people.slice(1)],
      memberships: [{ ...setup.memberships[0]!, instance: 'instance-inconnue' }, ...setup.memberships.slice(1)],
    };
    const before = await snapshot(prisma);
    const preview = await previewConventionSetup(prisma, broken);
    expect(await snapshot(prisma)).toEqual(before);
    expect(preview.changes).toEqual([]);
    expect(preview.problems.map((p) => p.field)).toContain('people.0.email');
    expect(preview.problems.every((p) => p.message.length > 10)).toBe(true);
  });
});

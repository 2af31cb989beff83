import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMBER_ROLES } from '../../domain/charter.js';
import { DomainError } from '../../domain/errors.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Database } from '../../store/database/open-database.js';
import { exportMembersCsv } from '../../store/conventions/export-members-csv.js';
import { importMembersCsv } from '../../store/conventions/import-members-csv.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { DATABASE_KINDS, openTestDatabase } from '../helpers/database.js';

const SLUG = DEMO_CONVENTION_SLUG;
const HEADER = 'email;nom;fonction;structure;instance;role;siege;represente';

/** What a failed import must leave as it was. */
async function snapshot(prisma: PrismaClient) {
  return {
    people: await prisma.person.count(),
    memberships: await prisma.membership.count(),
    names: await prisma.person.findMany({
      select: { email: true, displayName: true, title: true },
      orderBy: { email: 'asc' },
    }),
  };
}

async function importError(prisma: PrismaClient, csv: string): Promise<DomainError> {
  const error = await importMembersCsv(prisma, SLUG, csv).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function membership(prisma: PrismaClient, email: string, instance: string) {
  return prisma.membership.findFirst({
    where: { person: { email }, instance: { slug: instance, convention: { slug: SLUG } } },
    include: { person: { include: { structure: true } }, structure: true, representsInstance: true },
  });
}

describe.each(DATABASE_KINDS)('members CSV on %s', (kind) => {
  let db: Database;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    prisma = db.prisma;
    await loadDemo(prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('imports a ;-separated file with a BOM and accented headers', async () => {
    const csv =
      '\uFEFFE-mail;Nom;Fonction;Structure;Instance;Rôle;Siège;Représente\r\n' +
      'benevole.aide-domicile@example.org;Bénévole de l’association d’aide à ' +
      'domicile (exemple);Bénévole;aide-domicile-exemple;gtt-1;membre;;\r\n' +
      'referent.accueil@example.org;"Référent(e) ; accueil des familles (exemple)";"Chargé(e) ' +
      'd’accueil, ""France Services""";mellois-en-poitou;gtt-3;Technicien;Suppléant;\r\n' +
      '\r\n' +
      'responsable.cellois@example.org;;;mellois-en-poitou;gtt-3;charge_cooperation;titulaire;\r\n' +
      'direction.aide-domicile@example.org;;;aide-domicile-exemple;gtt-1;membre;suppleant;\r\n';

    const result = await importMembersCsv(prisma, SLUG, csv);

    expect(result).toEqual({ created: 3, updated: 1, unchanged: 0 });
    const benevole = await membership(prisma, 'benevole.aide-domicile@example.org', 'gtt-1');
    expect(benevole).toMatchObject({ role: 'membre', seat: 'titulaire', structure: { slug: 'aide-domicile-exemple' } });
    expect(benevole?.person).toMatchObject({
      displayName: 'Bénévole de l’association d’aide à domicile (exemple)',
      title: 'Bénévole',
      structure: { slug: 'aide-domicile-exemple' },
    });
    const referent = await membership(prisma, 'referent.accueil@example.org', 'gtt-3');
    expect(referent).toMatchObject({ role: 'technicien', seat: 'suppleant' });
    expect(referent?.person.displayName).toBe('Référent(e) ; accueil des familles (exemple)');
    expect(referent?.person.title).toBe('Chargé(e) d’accueil, "France Services"');
    expect(await membership(prisma, 'responsable.cellois@example.org', 'gtt-3')).toMatchObject({
      role: 'charge_cooperation',
    });
    // An empty « nom » keeps the name a known person has.
    expect((await membership(prisma, 'direction.aide-domicile@example.org', 'gtt-1'))?.seat).toBe('suppleant');
    expect(
      (await prisma.person.findUniqueOrThrow({ where: { email: 'direction.aide-domicile@example.org' } })).displayName,
    ).toBe('Direction de l’association d’aide à domicile (exemple)');

    // The same file again changes nothing.
    expect(await importMembersCsv(prisma, SLUG, csv)).toEqual({ created: 0, updated: 0, unchanged: 4 });
  });

  it('imports a ,-separated file with headers in any case and order', async () => {
    const csv =
      'INSTANCE,EMAIL,NOM,ROLE,,\n' +
      'groupe-elaboration,"benevole.parents-eleves@example.org","Parent ' +
      'délégué, association de parents d’élèves (exemple)",membre,,\n' +
      'gtt-2,benevole.parents-eleves@example.org,,usager,,\n';
    expect(await importMembersCsv(prisma, SLUG, csv)).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const m = await membership(prisma, 'benevole.parents-eleves@example.org', 'groupe-elaboration');
    expect(m).toMatchObject({ role: 'membre', seat: 'titulaire', structure: null });
    expect(m?.person.displayName).toBe('Parent délégué, association de parents d’élèves (exemple)');
    expect((await membership(prisma, 'benevole.parents-eleves@example.org', 'gtt-2'))?.role).toBe('usager');
  });

  describe('refuses a malformed file, line by line, and writes nothing', () => {
    let before: Awaited<ReturnType<typeof snapshot>>;
    beforeAll(async () => {
      before = await snapshot(prisma);
    });
    afterAll(async () => {
      expect(await snapshot(prisma)).toEqual(before);
    });

    it('wrong or missing columns: says which are expected', async () => {
      const error = await importError(prisma, 'mail;nom;instance\nx@example.org;X;copil\n');
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.field).toBe('ligne 1');
      expect(error.message).toMatch(/colonne 1 « mail » inconnue/);
      expect(error.message).toMatch(/« email », « role » manquantes/);
      expect(error.message).toContain(HEADER);
      expect(await snapshot(prisma)).toEqual(before);
    });

    it('bad e-mails, duplicates, unknown instance, unknown role, unknown structure: every line at once', async () => {
      const csv = [
        HEADER,
        'nouveau.membre@example.org;Nouveau membre (exemple);;;gtt-1;membre;;',
        'pas-une-adresse;Quelqu’un;;;gtt-1;membre;;',
        'autre.membre@example.org;"Fonction sur',
        'deux lignes";;;gtt-1;membre;;',
        'nouveau.membre@example.org;Nouveau membre (exemple);;;gtt-1;membre;;',
        'troisieme.membre@example.org;Troisième (exemple);;;gtt-9;membre;;',
        'quatrieme.membre@example.org;Quatrième (exemple);;;gtt-2;chef;;',
        'cinquieme.membre@example.org;Cinquième (exemple);;association-inconnue;gtt-2;membre;;',
        'sixieme.membre@example.org;;;;gtt-2;membre;;',
      ].join('\n');
      const error = await importError(prisma, csv);
      expect(error.code).toBe('INVALID_INPUT');
      const byLine = Object.fromEntries(error.issues!.map((i) => [i.field, i.message]));
      expect(Object.keys(byLine)).toEqual(['ligne 3', 'ligne 5', 'ligne 6', 'ligne 7', 'ligne 8', 'ligne 9']);
      expect(byLine['ligne 3']).toMatch(/« pas-une-adresse » n’est pas une adresse e-mail valide/);
      // Line 4 holds a cell on two lines of text: the spreadsheet still counts one line.
      expect(byLine['ligne 5']).toMatch(/figure déjà dans l’instance « gtt-1 » ligne 2/);
      expect(byLine['ligne 6']).toMatch(/instance « gtt-9 » inconnue/);
      expect(byLine['ligne 7']).toMatch(/rôle « chef » inconnu/);
      for (const role of MEMBER_ROLES) expect(byLine['ligne 7']).toContain(role);
      expect(byLine['ligne 8']).toMatch(/structure « association-inconnue » inconnue/);
      expect(byLine['ligne 9']).toMatch(/le nom manque/);
      expect(error.field).toBe('ligne 3');
      expect(await snapshot(prisma)).toEqual(before);
    });

    it('a charter violation: a third person of one association in the COPIL', async () => {
      const csv = [
        HEADER,
        'benevole.aide-domicile@example.org;;;aide-domicile-exemple;gtt-2;membre;;',
        'benevole.centre-socioculturel@example.org;Bénévole du centre ' +
          'socioculturel (exemple);;centre-socioculturel-exemple;copil;membre;;',
      ].join('\r\n');
      const error = await importError(prisma, csv);
      expect(error.code).toBe('CHARTER_VIOLATION');
      expect(error.issues).toEqual([
        {
          field: 'ligne 3',
          message: expect.stringMatching(/3 personnes de la structure « Centre socioculturel \(exemple\) »/),
        },
      ]);
      expect(error.message).toMatch(/Ligne 3/);
      expect(await snapshot(prisma)).toEqual(before);
    });

    it('control or bidi characters in a cell: refused on their line, naming the column', async () => {
      const csv = [
        HEADER,
        'nul\u0000@example.org;Nul;;;gtt-1;membre;;',
        'bidi@example.org;Nom \u202Einversé;;;gtt-1;membre;;',
        'bell@example.org;Nom;;;gtt\u0007-1;membre;;',
      ].join('\n');
      const error = await importError(prisma, csv);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.issues!.map((issue) => issue.field)).toEqual(['ligne 2', 'ligne 3', 'ligne 4']);
      expect(error.issues![0]!.message).toMatch(/^Ligne 2 : « email » contient un caractère interdit, U\+0000/);
      expect(error.issues![1]!.message).toMatch(/« nom » contient un caractère interdit, U\+202E/);
      expect(error.issues![2]!.message).toMatch(/« instance » contient un caractère interdit, U\+0007/);
    });

    it('a file with only its header, or nothing readable', async () => {
      expect((await importError(prisma, `${HEADER}\n`)).field).toBe('ligne 2');
      expect((await importError(prisma, '')).field).toBe('ligne 1');
    });
  });

  it('exports what it imports: export, empty the instances, import, export again', async () => {
    const exported = await exportMembersCsv(prisma, SLUG);
    const lines = exported
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(HEADER);
    const total = await prisma.membership.count({ where: { instance: { convention: { slug: SLUG } } } });
    expect(lines).toHaveLength(total + 1);
    expect(exported).toContain(
      '"Référent(e) ; accueil des familles (exemple)";"Chargé(e) d’accueil, ""France Services"""',
    );

    expect(await importMembersCsv(prisma, SLUG, exported)).toEqual({ created: 0, updated: 0, unchanged: total });

    await prisma.membership.deleteMany({ where: { instance: { convention: { slug: SLUG } } } });
    expect(await importMembersCsv(prisma, SLUG, exported)).toEqual({ created: total, updated: 0, unchanged: 0 });
    expect(await exportMembersCsv(prisma, SLUG)).toBe(exported);
  });
});

import { readFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_CHARTER } from '../../domain/charter.js';
import type { ConventionSetup } from '../../domain/convention-setup.js';
import { DomainError } from '../../domain/errors.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Database } from '../../store/database/open-database.js';
import { exportConventionSetup } from '../../store/conventions/export-convention-setup.js';
import { importConventionSetup } from '../../store/conventions/import-convention-setup.js';
import { DEMO_CONVENTION_SLUG, DEMO_SETUP_PATH, loadDemo } from '../../store/conventions/load-demo.js';
import { DATABASE_KINDS, openTestDatabase } from '../helpers/database.js';

/** Rows in every table of the schema (Prisma's bookkeeping aside), to prove an import wrote nothing. */
async function rowCounts(prisma: PrismaClient): Promise<Record<string, number>> {
  const tables = await prisma.$queryRawUnsafe<Array<{ name: string }>>(
    `SELECT table_name::text AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
     ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${name}"`);
    counts[name] = row!.n;
  }
  return counts;
}

/** The demo file as written, to edit into malformed variants. */
async function demoFile(): Promise<ConventionSetup> {
  return JSON.parse(await readFile(DEMO_SETUP_PATH, 'utf8')) as ConventionSetup;
}

/** The DomainError an import throws, or a failure if it does not throw one. */
async function importError(prisma: PrismaClient, input: unknown): Promise<DomainError> {
  const error = await importConventionSetup(prisma, input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const parisTime = (at: Date) => DateTime.fromJSDate(at, { zone: 'Europe/Paris' }).toFormat('yyyy-MM-dd HH:mm');

describe.each(DATABASE_KINDS)('convention setup on %s', (kind) => {
  describe('the demo', () => {
    let db: Database;
    let first: Awaited<ReturnType<typeof loadDemo>>;
    let prisma: PrismaClient;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      prisma = db.prisma;
      const steps = new Set<string>();
      let last = 0;
      first = await loadDemo(prisma, (done, total, step) => {
        expect(done).toBe(last + 1);
        expect(done).toBeLessThanOrEqual(total);
        last = done;
        steps.add(step);
      });
      expect(last).toBe(first.created);
      expect(steps).toContain('membres');
    });
    afterAll(async () => {
      await db?.close();
    });

    it('loads, and loading it again changes nothing', async () => {
      expect(first.updated).toBe(0);
      expect(first.unchanged).toBe(0);
      expect(first.created).toBeGreaterThan(100);
      const countsBefore = await rowCounts(prisma);
      const exportBefore = await exportConventionSetup(prisma, DEMO_CONVENTION_SLUG);
      const stampsBefore = await prisma.person.findMany({
        select: { email: true, updatedAt: true },
        orderBy: { email: 'asc' },
      });
      const conventionBefore = await prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } });

      const second = await loadDemo(prisma);

      expect(second).toEqual({ created: 0, updated: 0, unchanged: first.created, removed: 0 });
      expect(await rowCounts(prisma)).toEqual(countsBefore);
      expect(JSON.stringify(await exportConventionSetup(prisma, DEMO_CONVENTION_SLUG))).toBe(
        JSON.stringify(exportBefore),
      );
      // No UPDATE at all: Prisma would have moved the @updatedAt stamps.
      expect(
        await prisma.person.findMany({ select: { email: true, updatedAt: true }, orderBy: { email: 'asc' } }),
      ).toEqual(stampsBefore);
      expect((await prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).updatedAt).toEqual(
        conventionBefore.updatedAt,
      );
    });

    it('holds the reference CTG: convention, signatories, enjeux, coopérateurs', async () => {
      const convention = await prisma.convention.findUniqueOrThrow({
        where: { slug: DEMO_CONVENTION_SLUG },
        include: {
          signatories: { include: { structure: true } },
          enjeux: { orderBy: { position: 'asc' }, include: { objectifs: true } },
        },
      });
      expect(convention).toMatchObject({
        territory: 'Mellois en Poitou',
        status: 'en_cours',
        schoolZone: 'A',
        timezone: 'Europe/Paris',
      });
      expect(convention.startDate.toISOString().slice(0, 10)).toBe('2023-01-01');
      expect(convention.endDate.toISOString().slice(0, 10)).toBe('2027-12-31');
      expect(convention.charter).toEqual(REFERENCE_CHARTER);

      expect(
        convention.signatories
          .map((s) => [s.structure.name, s.structure.kind, s.signedAt?.toISOString().slice(0, 10)])
          .sort(),
      ).toEqual([
        ['CAF des Deux-Sèvres', 'caf', '2023-12-18'],
        ['Communauté de communes Mellois en Poitou', 'collectivite', '2023-12-18'],
        ['MSA Poitou', 'msa', '2023-12-18'],
      ]);

      expect(convention.enjeux.map((e) => [e.code, e.title])).toEqual([
        ['E1', 'Piloter et valoriser la coopération'],
        ['E2', 'Accompagner les parcours socio-éducatifs'],
        ['E3', 'Faciliter l’accessibilité aux droits et aux services'],
      ]);
      expect(convention.enjeux[0]!.description).toMatch(/enjeu transversal/);
      const titles = convention.enjeux.flatMap((e) => e.objectifs.map((o) => `${e.code} ${o.kind} ${o.title}`)).sort();
      expect(titles).toEqual([
        'E1 strategique Répondre aux constats posés et donc travailler collectivement',
        'E1 strategique Travailler en inter-direction pour une meilleure cohérence',
        'E2 strategique Travailler l’accompagnement des parcours « de vie » par le prisme des besoins',
        'E3 strategique Apporter des solutions plus fines',
        'E3 strategique Travailler à partir des différents diagnostics',
      ]);

      const cooperateurs = await prisma.person.findMany({
        where: { title: 'Coopérateur CTG' },
        include: { structure: true },
      });
      expect(cooperateurs.map((p) => p.displayName).sort()).toEqual(
        [
          'Directrice de l’éducation',
          'Chef de service Petite enfance, enfance, jeunesse',
          'Chef de service ressources et projet éducatif',
          'Chef de service affaires scolaires',
          'Responsable de secteur Val de Boutonne',
          'Responsable de secteur Cellois',
          'Responsable de secteur Sauzé-Vaussais/Chef-Boutonne',
          'Responsable de secteur Mellois',
          'Coordonnateur 0-3/6 ans',
          'Coordonnateur 3-12 ans',
          'Coordonnateur 12-17/25 ans',
          'Chargée de mission Projet de territoire et démarches participatives',
          'Chef de service France Services',
        ].sort(),
      );
      for (const p of cooperateurs) {
        expect(p.email).toMatch(/@example\.org$/);
        expect(p.structure?.slug).toBe('mellois-en-poitou');
      }
      // No real person's address in the demo: every e-mail is on the reserved example.org domain.
      expect(await prisma.person.count({ where: { NOT: { email: { endsWith: '@example.org' } } } })).toBe(0);
      expect(
        await prisma.structure.count({
          where: { kind: { in: ['association', 'institution'] }, NOT: { name: { contains: '(exemple)' } } },
        }),
      ).toBe(0);
    });

    it('holds the governance: instances, GTT binômes in the COTECH, secretaries', async () => {
      const instances = await prisma.instance.findMany({
        where: { convention: { slug: DEMO_CONVENTION_SLUG } },
        include: { memberships: { include: { structure: true } } },
      });
      const bySlug = new Map(instances.map((i) => [i.slug, i]));
      expect(instances.map((i) => i.kind).sort()).toEqual(
        [
          'bureau_communautaire',
          'conseil_communautaire',
          'copil',
          'cotech',
          'groupe_elaboration',
          'gtt',
          'gtt',
          'gtt',
        ].sort(),
      );
      expect(bySlug.get('conseil-communautaire')?.convocationDelayDays).toBe(5);
      expect(bySlug.get('bureau-communautaire')?.mission).toMatch(/VALIDE/);
      expect(bySlug.get('copil')?.mission).toMatch(/DÉCIDE POUR VALIDATION/);
      expect(bySlug.get('cotech')?.mission).toMatch(/ORGANISE, COORDONNE, ANIME\/SUIT\/ÉVALUE/);
      const gtts = instances.filter((i) => i.kind === 'gtt');
      expect(gtts.map((g) => g.theme).sort()).toEqual([
        'Enfance, 3-12 ans (à confirmer)',
        'Jeunesse, 12-17/25 ans (à confirmer)',
        'Petite enfance, 0-3/6 ans (à confirmer)',
      ]);
      for (const gtt of gtts) expect(gtt.mission).toMatch(/à confirmer/);

      const cotech = bySlug.get('cotech')!;
      for (const gtt of gtts) {
        const binome = cotech.memberships.filter((m) => m.representsInstanceId === gtt.id);
        expect(binome, gtt.slug).toHaveLength(2);
        expect(
          binome.some((m) => m.role === 'charge_cooperation'),
          gtt.slug,
        ).toBe(true);
      }
      for (const kind of Object.keys(REFERENCE_CHARTER.decisionRecorders)) {
        for (const instance of instances.filter((i) => i.kind === kind)) {
          expect(
            instance.memberships.some((m) => m.role === 'secretaire'),
            instance.slug,
          ).toBe(true);
        }
      }
      const copil = bySlug.get('copil')!;
      const copilStructures = copil.memberships.map((m) => m.structure?.kind);
      expect(copilStructures).toContain('caf');
      expect(copilStructures).toContain('msa');
      expect(copil.memberships.some((m) => m.role === 'vice_president')).toBe(true);
      expect(copil.memberships.some((m) => m.role === 'charge_cooperation')).toBe(true);
      const partners = new Map<string, number>();
      for (const m of copil.memberships) {
        if (m.structure && ['association', 'institution'].includes(m.structure.kind)) {
          partners.set(m.structure.slug, (partners.get(m.structure.slug) ?? 0) + 1);
        }
      }
      expect(partners.size).toBeGreaterThan(0);
      for (const [slug, n] of partners) expect(n, slug).toBeLessThanOrEqual(2);
    });

    it('holds the 2024 rétroplanning and the two date polls, at Paris hours', async () => {
      const milestones = await prisma.milestone.findMany({
        where: { convention: { slug: DEMO_CONVENTION_SLUG } },
        orderBy: [{ startDate: 'asc' }, { key: 'asc' }],
      });
      const month = (d: Date | null) => d?.toISOString().slice(0, 7);
      const plan = milestones.map((m) => [
        m.key,
        m.year,
        m.startDate.toISOString().slice(0, 10),
        month(m.endDate),
        m.ownerInstance,
      ]);
      expect(plan).toEqual(
        expect.arrayContaining([
          ['signature-administrative-2023', 2023, '2023-12-18', undefined, null],
          ['lancement-partenarial-2024', 2024, '2024-01-19', undefined, 'groupe-elaboration'],
          ['journee-plan-actions-2024', 2024, '2024-03-01', '2024-03', 'groupe-elaboration'],
          ['ecriture-plan-actions-2024', 2024, '2024-04-01', '2024-05', 'groupe-elaboration'],
          ['bureau-plan-actions-2024', 2024, '2024-04-01', '2024-05', 'bureau-communautaire'],
          ['premier-copil-2024', 2024, '2024-06-01', '2024-07', 'copil'],
          ['debut-gtt-2024', 2024, '2024-09-01', '2024-09', 'cotech'],
          ['conseil-communautaire-2024', 2024, '2024-11-01', '2024-11', 'conseil-communautaire'],
        ]),
      );
      const officielle = milestones.find((m) => m.key === 'signature-officielle-2024');
      expect(officielle?.description).toMatch(/Date à définir/);
      for (const m of milestones) expect(m.ownerEmail).toMatch(/@example\.org$/);

      const polls = await prisma.poll.findMany({
        where: { convention: { slug: DEMO_CONVENTION_SLUG } },
        include: { options: { orderBy: { position: 'asc' } } },
        orderBy: { key: 'asc' },
      });
      const shown = polls.map((p) => ({
        title: p.title,
        status: p.status,
        options: p.options.map((o) => `${o.kind} ${parisTime(o.startsAt)}–${parisTime(o.endsAt).slice(11)}`),
      }));
      expect(shown).toEqual([
        {
          title: 'Journée d’élaboration du plan d’actions',
          status: 'ouvert',
          options: ['journee 2024-03-26 09:00–17:00', 'journee 2024-03-29 09:00–17:00'],
        },
        {
          title: 'Évaluation du PEDT : demi-journée de lancement',
          status: 'ouvert',
          options: ['demi_journee 2024-02-16 09:00–12:30', 'demi_journee 2024-03-08 09:00–12:30'],
        },
      ]);
      // March 2024 in Paris is UTC+1 (summer time starts on the 31st): 09:00 there is 08:00Z.
      expect(polls[0]!.options[0]!.startsAt.toISOString()).toBe('2024-03-26T08:00:00.000Z');
    });

    it('refuses a membership in an unknown instance, naming its path, and writes nothing', async () => {
      const counts = await rowCounts(prisma);
      const file = await demoFile();
      file.structures[0]!.name = 'Nom modifié qui ne doit pas être écrit';
      file.memberships[12]!.instance = 'gtt-9';
      file.memberships[20]!.person = 'inconnu@example.org';

      const error = await importError(prisma, file);

      expect(error.code).toBe('INVALID_INPUT');
      expect(error.issues).toEqual(
        expect.arrayContaining([
          { field: 'memberships.12.instance', message: expect.stringMatching(/« gtt-9 » inconnue/) },
          { field: 'memberships.20.person', message: expect.stringMatching(/inconnu@example\.org/) },
        ]),
      );
      expect(error.field).toBe(error.issues![0]!.field);
      expect(await rowCounts(prisma)).toEqual(counts);
      expect(
        (await prisma.structure.findUniqueOrThrow({ where: { slug: file.structures[0]!.slug } })).name,
      ).not.toMatch(/modifié/);
    });

    it('refuses three persons of one association in the COPIL (CHARTER_VIOLATION) and writes nothing', async () => {
      const counts = await rowCounts(prisma);
      const file = await demoFile();
      file.people.push({
        email: 'benevole.centre-socioculturel@example.org',
        displayName: 'Bénévole du centre socioculturel (exemple)',
        structure: 'centre-socioculturel-exemple',
      });
      file.memberships.push({
        person: 'benevole.centre-socioculturel@example.org',
        instance: 'copil',
        structure: 'centre-socioculturel-exemple',
        role: 'membre',
        seat: 'titulaire',
      });

      const error = await importError(prisma, file);

      expect(error.code).toBe('CHARTER_VIOLATION');
      expect(error.message).toMatch(/Centre socioculturel \(exemple\)/);
      expect(error.issues).toHaveLength(1);
      const [issue] = error.issues!;
      expect(issue!.field).toMatch(/^memberships\.\d+$/);
      expect(issue!.message).toMatch(/3 personnes de la structure « Centre socioculturel \(exemple\) »/);
      expect(await rowCounts(prisma)).toEqual(counts);
      expect(
        await prisma.person.findUnique({ where: { email: 'benevole.centre-socioculturel@example.org' } }),
      ).toBeNull();
    });

    it('reports the shape of a malformed file field by field', async () => {
      const file = await demoFile();
      (file as Record<string, unknown>).format = 'autre-chose';
      file.polls[0]!.options[0]!.startsAt = '2024-03-26 09:00';
      (file.instances[0] as Record<string, unknown>).kind = 'assemblee';
      const error = await importError(prisma, file);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.issues!.map((i) => i.field).sort()).toEqual([
        'format',
        'instances.0.kind',
        'polls.0.options.0.startsAt',
      ]);
    });

    it('removes the memberships the file no longer lists, and rolls back a failure met while writing', async () => {
      const file = await demoFile();
      const dropped = file.memberships.findIndex((m) => m.instance === 'gtt-2' && m.role === 'membre');
      const [gone] = file.memberships.splice(dropped, 1);
      const removed = await importConventionSetup(prisma, file);
      expect(removed).toMatchObject({ created: 0, updated: 0, removed: 1 });
      const person = await prisma.person.findUniqueOrThrow({ where: { email: gone!.person } });
      expect(await prisma.membership.count({ where: { personId: person.id, instance: { slug: 'gtt-2' } } })).toBe(0);
      expect(await loadDemo(prisma)).toMatchObject({ created: 1, updated: 0, removed: 0 });

      // A poll option already answered cannot go: the import fails after writing other records,
      // and the transaction takes those back.
      const option = await prisma.pollOption.findFirstOrThrow({
        where: { poll: { key: 'journee-plan-actions-2024' }, position: 2 },
      });
      await prisma.vote.create({
        data: { optionId: option.id, voterEmail: 'directrice.education@example.org', answer: 'oui' },
      });
      const counts = await rowCounts(prisma);
      const edited = await demoFile();
      edited.structures[0]!.name = 'Nom modifié qui ne doit pas rester';
      edited.polls.find((p) => p.key === 'journee-plan-actions-2024')!.options.pop();
      const error = await importError(prisma, edited);
      expect(error.field).toBe('polls.0.options');
      expect(await rowCounts(prisma)).toEqual(counts);
      expect(
        (await prisma.structure.findUniqueOrThrow({ where: { slug: edited.structures[0]!.slug } })).name,
      ).not.toMatch(/modifié/);
      await prisma.vote.deleteMany({ where: { optionId: option.id } });
    });

    it('stores the COTECH’s meeting rule, rewrites a changed one, and clears one the file drops', async () => {
      const ruleOf = async (slug: string) =>
        (await prisma.instance.findFirstOrThrow({ where: { slug, convention: { slug: DEMO_CONVENTION_SLUG } } }))
          .meetingRule;
      const demo = await demoFile();
      const cotech = demo.instances.find((i) => i.slug === 'cotech')!;
      expect(cotech.meetingRule).toMatchObject({
        frequency: { every: 'quarter', firstMonth: 1 },
        weekday: 'mardi',
        nth: 1,
        time: '14:00',
      });
      expect(await ruleOf('cotech')).toEqual(cotech.meetingRule);

      cotech.meetingRule = { ...cotech.meetingRule!, nth: -1, skipMonths: [7] };
      expect(await importConventionSetup(prisma, demo)).toMatchObject({ created: 0, updated: 1, removed: 0 });
      expect(await ruleOf('cotech')).toMatchObject({ nth: -1, skipMonths: [7] });
      delete cotech.meetingRule;
      expect(await importConventionSetup(prisma, demo)).toMatchObject({ created: 0, updated: 1, removed: 0 });
      expect(await ruleOf('cotech')).toBeNull();

      const malformed = await demoFile();
      const rule = malformed.instances.find((i) => i.slug === 'cotech')!.meetingRule!;
      malformed.instances.find((i) => i.slug === 'copil')!.meetingRule = { ...rule, weekday: 'samedi' } as never;
      expect((await importError(prisma, malformed)).issues!.map((i) => i.field)).toEqual([
        expect.stringMatching(/^instances\.\d+\.meetingRule\.weekday$/),
      ]);
      expect(await loadDemo(prisma)).toMatchObject({ updated: 1 });
      expect(await ruleOf('cotech')).toEqual(
        (await demoFile()).instances.find((i) => i.slug === 'cotech')!.meetingRule,
      );
    });
  });

  describe('export, import elsewhere, export again', () => {
    let source: Database;
    let target: Database;

    beforeAll(async () => {
      [source, target] = await Promise.all([openTestDatabase(kind), openTestDatabase(kind)]);
      await loadDemo(source.prisma);
    });
    afterAll(async () => {
      await Promise.all([source?.close(), target?.close()]);
    });

    it('gives the same document', async () => {
      const exported = await exportConventionSetup(source.prisma, DEMO_CONVENTION_SLUG);
      const imported = await importConventionSetup(target.prisma, JSON.parse(JSON.stringify(exported)));
      expect(imported.updated + imported.unchanged + imported.removed).toBe(0);
      const again = await exportConventionSetup(target.prisma, DEMO_CONVENTION_SLUG);
      expect(JSON.stringify(again, null, 2)).toBe(JSON.stringify(exported, null, 2));

      // The export is the demo file, reordered, with the charter written out.
      const demo = await demoFile();
      expect(exported.convention.charter).toEqual(REFERENCE_CHARTER);
      expect(exported.polls.flatMap((p) => p.options.map((o) => o.startsAt))).toEqual(
        expect.arrayContaining(['2024-03-26T09:00:00+01:00', '2024-02-16T09:00:00+01:00']),
      );
      const sortBy = <T>(rows: T[], key: (row: T) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
      expect(sortBy(exported.people, (p) => p.email)).toEqual(sortBy(demo.people, (p) => p.email));
      expect(sortBy(exported.memberships, (m) => `${m.instance} ${m.person}`)).toEqual(
        sortBy(demo.memberships, (m) => `${m.instance} ${m.person}`),
      );
      expect(exported.enjeux).toEqual(demo.enjeux);
      expect(sortBy(exported.milestones, (m) => m.key)).toEqual(sortBy(demo.milestones, (m) => m.key));
      expect(sortBy(exported.instances, (i) => i.slug)).toEqual(sortBy(demo.instances, (i) => i.slug));
      expect(exported.instances.find((i) => i.slug === 'cotech')?.meetingRule).toEqual({
        frequency: { every: 'quarter', firstMonth: 1 },
        weekday: 'mardi',
        nth: 1,
        time: '14:00',
        durationMinutes: 180,
      });
    });
  });
});

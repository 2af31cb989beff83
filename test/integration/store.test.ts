import { createHash, randomUUID } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createStoreActivities, type LifecycleStepInput, type StoreActivities } from '../../activities/store.js';
import type { Database } from '../../store/database/open-database.js';
import {
  applyMigrations,
  defaultMigrationsDir,
  readMigrations,
  type SqlSession,
} from '../../store/database/migrations.js';
import { pgClientSession, pgliteSession } from '../../store/database/sql-session.js';
import { listFicheVersions, writeFicheContent } from '../../store/fiches/fiche-content.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { createTestConvention } from '../helpers/convention.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabaseKind } from '../helpers/database.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { createStore } from '../../store/index.js';

/** An empty database reached without Prisma, the way the app's migration runner reaches it. */
interface RawDatabase {
  session: SqlSession;
  close(): Promise<void>;
}

async function openRawDatabase(kind: TestDatabaseKind): Promise<RawDatabase> {
  if (kind === 'pglite') {
    const db = new PGlite();
    await db.waitReady;
    return { session: pgliteSession(db), close: () => db.close() };
  }
  const created = await createTestDatabase(inject('postgresAdminUrl'), 'store_migrations');
  const client = new pg.Client({ connectionString: created.url });
  await client.connect();
  return {
    session: pgClientSession(client),
    async close() {
      await client.end();
      await created.drop();
    },
  };
}

/** The migration folders as committed, listed and hashed here rather than by the code under test. */
async function committedMigrations(): Promise<Array<{ name: string; checksum: string }>> {
  const entries = await readdir(defaultMigrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = await readFile(path.join(defaultMigrationsDir, name, 'migration.sql'));
      return { name, checksum: createHash('sha256').update(file).digest('hex') };
    }),
  );
}

async function recordedMigrations(session: SqlSession) {
  return session.query<{
    migration_name: string;
    checksum: string;
    finished_at: Date | null;
    rolled_back_at: Date | null;
    applied_steps_count: number;
  }>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
     FROM "_prisma_migrations" ORDER BY migration_name`,
  );
}

async function tableExists(session: SqlSession, table: string): Promise<boolean> {
  const [row] = await session.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
    `public."${table}"`,
  ]);
  return row?.found != null;
}

async function heldAdvisoryLocks(session: SqlSession): Promise<number> {
  const [row] = await session.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'`,
  );
  return row?.n ?? -1;
}

/** A copy of the committed migrations in a temp folder, to alter without touching the repository. */
async function copyMigrations(tempRoot: string): Promise<string> {
  const dir = path.join(tempRoot, 'migrations');
  await cp(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

describe.each(DATABASE_KINDS)('store on %s', (kind) => {
  describe('migrations', () => {
    let raw: RawDatabase;
    let tempRoot: string;
    let committed: Array<{ name: string; checksum: string }>;

    beforeAll(async () => {
      committed = await committedMigrations();
      expect(committed.length).toBeGreaterThan(0);
    });

    beforeEach(async () => {
      raw = await openRawDatabase(kind);
      tempRoot = await mkdtemp(path.join(os.tmpdir(), 'concerto-migrations-'));
    });

    afterEach(async () => {
      await raw?.close();
      await rm(tempRoot, { recursive: true, force: true });
    });

    it('gives each fiche its author’s GTT when they sit in exactly one (fiche_gtt_from_author)', async () => {
      const all = await readMigrations();
      const backfill = all.findIndex((m) => m.name.endsWith('_fiche_gtt_from_author'));
      expect(backfill).toBeGreaterThan(0);
      await applyMigrations(raw.session, all.slice(0, backfill));
      await raw.session.exec(`
        INSERT INTO "Convention" (id, slug, name, territory, "startDate", "endDate", status, charter, "updatedAt")
          VALUES ('c', 'ctg', 'CTG', 'Mellois', '2023-01-01', '2027-12-31', 'active', '{}', now());
        INSERT INTO "Instance" (id, "conventionId", slug, kind, name) VALUES
          ('g1', 'c', 'gtt-1', 'gtt', 'GTT1'), ('g2', 'c', 'gtt-2', 'gtt', 'GTT2'),
          ('t', 'c', 'cotech', 'cotech', 'COTECH');
        INSERT INTO "Person" (id, email, "displayName", "updatedAt") VALUES
          ('one', 'une@example.org', 'Une', now()), ('two', 'deux@example.org', 'Deux', now()),
          ('out', 'aucun@example.org', 'Aucun', now());
        INSERT INTO "Membership" (id, "instanceId", "personId", role) VALUES
          ('m1', 'g2', 'one', 'membre'), ('m2', 't', 'one', 'membre'),
          ('m3', 'g1', 'two', 'membre'), ('m4', 'g2', 'two', 'membre'), ('m5', 't', 'out', 'membre');
        INSERT INTO "FicheAction" (id, "conventionId", code, status, "authorEmail", "gttId", "updatedAt") VALUES
          ('in-one', 'c', 'FA-1', 'brouillon', 'Une@Example.org', NULL, now()),
          ('in-two', 'c', 'FA-2', 'brouillon', 'deux@example.org', NULL, now()),
          ('in-none', 'c', 'FA-3', 'brouillon', 'aucun@example.org', NULL, now()),
          ('chosen', 'c', 'FA-4', 'brouillon', 'une@example.org', 'g1', now());`);
      expect((await applyMigrations(raw.session, all)).applied).toEqual(all.slice(backfill).map((m) => m.name));
      const rows = await raw.session.query<{ id: string; gttId: string | null }>(
        `SELECT id, "gttId" FROM "FicheAction" ORDER BY id`,
      );
      expect(rows).toEqual([
        { id: 'chosen', gttId: 'g1' },
        { id: 'in-none', gttId: null },
        { id: 'in-one', gttId: 'g2' },
        { id: 'in-two', gttId: null },
      ]);
    });

    it('applies every committed migration to an empty database and records it as Prisma does', async () => {
      const result = await applyMigrations(raw.session, await readMigrations());

      expect(result.applied).toEqual(committed.map((m) => m.name));
      for (const table of [
        'Convention',
        'FicheAction',
        'FicheVersion',
        'Decision',
        'Meeting',
        'Poll',
        'Notification',
        'AuditEvent',
        '_prisma_migrations',
      ]) {
        expect(await tableExists(raw.session, table), `table ${table}`).toBe(true);
      }
      const rows = await recordedMigrations(raw.session);
      expect(
        rows.map(({ migration_name, checksum, rolled_back_at, applied_steps_count }) => ({
          migration_name,
          checksum,
          rolled_back_at,
          applied_steps_count,
        })),
      ).toEqual(
        committed.map((m) => ({
          migration_name: m.name,
          checksum: m.checksum,
          rolled_back_at: null,
          applied_steps_count: 1,
        })),
      );
      for (const row of rows) expect(row.finished_at).toBeInstanceOf(Date);
      expect(await heldAdvisoryLocks(raw.session)).toBe(0);
    });

    it('applies nothing the second time', async () => {
      const migrations = await readMigrations();
      await applyMigrations(raw.session, migrations);
      const before = await recordedMigrations(raw.session);

      expect(await applyMigrations(raw.session, migrations)).toEqual({ applied: [] });
      expect(await recordedMigrations(raw.session)).toEqual(before);
    });

    it('refuses a migration whose file changed after it was applied, and changes nothing', async () => {
      const dir = await copyMigrations(tempRoot);
      await applyMigrations(raw.session, await readMigrations(dir));
      const first = committed[0]!.name;
      await appendFile(path.join(dir, first, 'migration.sql'), '\nALTER TABLE "Decision" ADD COLUMN "edited" TEXT;\n');

      await expect(applyMigrations(raw.session, await readMigrations(dir))).rejects.toThrow(
        new RegExp(`Migration ${first} was modified after it was applied`),
      );
      const columns = await raw.session.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'Decision' AND column_name = 'edited'`,
      );
      expect(columns).toEqual([]);
      expect(await heldAdvisoryLocks(raw.session)).toBe(0);
    });

    it('refuses to go on past a migration recorded as unfinished', async () => {
      const migrations = await readMigrations();
      const first = migrations[0]!;
      await applyMigrations(raw.session, []);
      await raw.session.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
        [randomUUID(), first.checksum, first.name],
      );

      await expect(applyMigrations(raw.session, migrations)).rejects.toThrow(
        new RegExp(`Migration ${first.name} failed earlier and is marked unfinished`),
      );
      expect(await tableExists(raw.session, 'Decision')).toBe(false);
    });

    it('rolls a failing migration back entirely: no partial table, no record, the error names it', async () => {
      const dir = await copyMigrations(tempRoot);
      const broken = '29991231235959_broken';
      const goodPart = [
        'CREATE TABLE "Partial" ("id" TEXT PRIMARY KEY);',
        `INSERT INTO "Partial" ("id") VALUES ('half-done');`,
        'ALTER TABLE "Decision" ADD COLUMN "partial" TEXT;',
      ].join('\n');
      await mkdir(path.join(dir, broken));
      await writeFile(path.join(dir, broken, 'migration.sql'), `${goodPart}\nSELECT "nothing" FROM "NoSuchTable";\n`);

      const error = await applyMigrations(raw.session, await readMigrations(dir)).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(new RegExp(`Migration ${broken} failed and was rolled back: .*NoSuchTable`));

      expect(await tableExists(raw.session, 'Partial')).toBe(false);
      const columns = await raw.session.query(
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'Decision' AND column_name = 'partial'`,
      );
      expect(columns).toEqual([]);
      // The migrations before it stay applied and recorded; the broken one left no row, finished or not.
      expect((await recordedMigrations(raw.session)).map((r) => r.migration_name)).toEqual(
        committed.map((m) => m.name),
      );
      expect(await heldAdvisoryLocks(raw.session)).toBe(0);

      // Nothing blocks the corrected migration.
      await writeFile(path.join(dir, broken, 'migration.sql'), `${goodPart}\n`);
      expect(await applyMigrations(raw.session, await readMigrations(dir))).toEqual({ applied: [broken] });
      expect(await tableExists(raw.session, 'Partial')).toBe(true);
    });
  });

  describe('store activities', () => {
    let db: Database;
    let store: StoreActivities;
    /** The demo convention: Decision.instanceId is resolved from its instances. */
    let conventionId: string;
    let cotech: { id: string };
    let meetingId: string;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      store = createStoreActivities(createStore(db.prisma).fiches);
      await loadDemo(db.prisma);
      conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
      cotech = await db.prisma.instance.findUniqueOrThrow({
        where: { conventionId_slug: { conventionId, slug: 'cotech' } },
        select: { id: true },
      });
      meetingId = (
        await db.prisma.meeting.create({
          data: {
            conventionId,
            instanceId: cotech.id,
            title: 'COTECH de novembre',
            startsAt: new Date('2026-11-20T14:00:00+01:00'),
            endsAt: new Date('2026-11-20T16:00:00+01:00'),
            status: 'planifiee',
            icalUid: `${randomUUID()}@concerto`,
          },
        })
      ).id;
    });

    afterAll(async () => {
      await db?.close();
    });

    function newFiche() {
      const ficheId = `fiche-${randomUUID()}`;
      return {
        ficheId,
        conventionId,
        title: 'Créer un espace de coworking rural',
        authorEmail: 'gtt@example.org',
        workflowId: `fiche-lifecycle-${ficheId}`,
        status: 'brouillon' as const,
      };
    }

    function submitStep(ficheId: string, idempotencyKey = `step-${randomUUID()}`): LifecycleStepInput {
      return {
        idempotencyKey,
        ficheId,
        conventionId,
        action: 'submit',
        actorEmail: 'directrice.education@example.org',
        actorRole: 'cooperateur',
        version: 1,
        fromStage: 'brouillon',
        toStage: 'soumise',
        versionInForce: null,
        at: '2026-11-10T09:00:00.000Z',
      };
    }

    function avisStep(ficheId: string, idempotencyKey = `step-${randomUUID()}`): LifecycleStepInput {
      return {
        idempotencyKey,
        ficheId,
        conventionId,
        action: 'recordAvis',
        actorEmail: 'assistante.education@example.org',
        actorRole: 'secretaire_instance',
        outcome: 'favorable',
        comment: 'Bien argumenté.',
        version: 1,
        fromStage: 'soumise',
        toStage: 'attente_copil',
        instanceKind: 'cotech',
        meetingId,
        versionInForce: null,
        at: '2026-11-20T14:30:00.000Z',
      };
    }

    /** A submitted fiche, as the workflow leaves it before the COTECH's avis. */
    async function submittedFiche() {
      const fiche = newFiche();
      await store.saveFiche(fiche);
      expect(await store.recordLifecycleStep(submitStep(fiche.ficheId))).toEqual({ created: true });
      return fiche;
    }

    async function rowsFor(ficheId: string) {
      const [fiches, versions, decisions, audits] = await Promise.all([
        db.prisma.ficheAction.findMany({ where: { id: ficheId }, select: { status: true } }),
        db.prisma.ficheVersion.findMany({
          where: { ficheId },
          select: { version: true, state: true },
          orderBy: { version: 'asc' },
        }),
        db.prisma.decision.findMany({ where: { ficheId }, orderBy: { decidedAt: 'asc' } }),
        db.prisma.auditEvent.findMany({ where: { subject: `fiche:${ficheId}` }, orderBy: { at: 'asc' } }),
      ]);
      return { fiches, versions, decisions, audits };
    }

    const withVersions = (ficheId: string) =>
      db.prisma.ficheAction.findMany({ where: { id: ficheId }, include: { versions: true } });

    it(
      'saveFiche twice leaves one fiche and its first ' + 'version in brouillon, unchanged by the second call',
      async () => {
        const fiche = newFiche();
        expect(await store.saveFiche(fiche)).toEqual({ code: expect.stringMatching(/^FA-\d{4}-\d{2}$/) });
        const [first] = await withVersions(fiche.ficheId);
        expect(first).toMatchObject({ authorEmail: fiche.authorEmail, status: 'brouillon', conventionId });
        expect(first!.versions).toEqual([
          expect.objectContaining({ version: 1, title: fiche.title, state: 'brouillon', createdBy: fiche.authorEmail }),
        ]);

        await new Promise((resolve) => setTimeout(resolve, 20));
        await store.saveFiche(fiche);
        await store.saveFiche({ ...fiche, title: 'Un autre titre', status: 'soumise' });

        expect(await withVersions(fiche.ficheId)).toEqual([first]);
      },
    );

    it('gives a new fiche the GTT asked for, else its author’s when they sit in one, none if asked', async () => {
      const gttOf = async (ficheId: string) =>
        (await db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId }, select: { gtt: true } })).gtt?.slug ??
        null;
      const jeunesse = 'coordinateur.12-25-ans@example.org';
      const cases = [
        [{ ...newFiche(), authorEmail: jeunesse, gtt: 'gtt-2' }, 'gtt-2'],
        [{ ...newFiche(), authorEmail: jeunesse }, 'gtt-3'],
        [{ ...newFiche(), authorEmail: jeunesse, gtt: null }, null],
        // A GTT gone since the request was checked: the author's, as when none is asked.
        [{ ...newFiche(), authorEmail: 'coordinateur.0-6-ans@example.org', gtt: 'gtt-9' }, 'gtt-1'],
        // An author in no GTT (the demo's coopérateur): none, every GTT is told.
        [{ ...newFiche(), authorEmail: 'directrice.education@example.org' }, null],
      ] as const;
      for (const [fiche, expected] of cases) {
        await store.saveFiche(fiche);
        expect(await gttOf(fiche.ficheId), JSON.stringify(fiche)).toBe(expected);
      }
    });

    it('numbers fiches one after the other within their convention', async () => {
      const other = (await createTestConvention(db.prisma)).id;
      const year = new Date().getUTCFullYear();
      const codes = [];
      for (const cId of [other, other, other])
        codes.push((await store.saveFiche({ ...newFiche(), conventionId: cId })).code);
      expect(codes).toEqual([`FA-${year}-01`, `FA-${year}-02`, `FA-${year}-03`]);
    });

    it('numbers twelve fiches created at once without a collision', async () => {
      const other = (await createTestConvention(db.prisma)).id;
      const year = new Date().getUTCFullYear();
      const saved = await Promise.all(
        Array.from({ length: 12 }, () => store.saveFiche({ ...newFiche(), conventionId: other })),
      );
      const expected = Array.from({ length: 12 }, (_, i) => `FA-${year}-${String(i + 1).padStart(2, '0')}`);
      expect(saved.map((s) => s.code).sort()).toEqual(expected);
    });

    it(
      'recordLifecycleStep for a submission writes the status, ' +
        'the version’s state and the audit line, and no decision',
      async () => {
        const fiche = newFiche();
        await store.saveFiche(fiche);
        const step = submitStep(fiche.ficheId);

        expect(await store.recordLifecycleStep(step)).toEqual({ created: true });

        const after = await rowsFor(fiche.ficheId);
        expect(after.fiches).toEqual([{ status: 'soumise' }]);
        expect(after.versions).toEqual([{ version: 1, state: 'proposee' }]);
        expect(after.decisions).toEqual([]);
        expect(after.audits).toEqual([
          expect.objectContaining({
            key: step.idempotencyKey,
            actor: 'directrice.education@example.org',
            action: 'fiche.submit',
            details: { version: 1, from: 'brouillon', to: 'soumise', role: 'cooperateur' },
            at: new Date(step.at),
          }),
        ]);
      },
    );

    it(
      'recordLifecycleStep for an amendment starts a draft with ' +
        'the whole content in force, objectifs and partenaires too',
      async () => {
        const fiche = newFiche();
        await store.saveFiche(fiche);
        await writeFicheContent(db.prisma, {
          conventionId,
          ficheId: fiche.ficheId,
          version: 1,
          edit: {
            enjeu: 'E2',
            objectifs: ['E2-OS1'],
            partenaires: ['caf-deux-sevres'],
            secteur: 'Mellois',
            budget: [{ label: 'Animation', amount: 500 }],
          },
        });
        await db.prisma.ficheVersion.update({
          where: { ficheId_version: { ficheId: fiche.ficheId, version: 1 } },
          data: { state: 'en_vigueur' },
        });
        await store.recordLifecycleStep({
          ...submitStep(fiche.ficheId),
          action: 'requestAmendment',
          version: 2,
          fromStage: 'en_oeuvre',
          toStage: 'en_oeuvre',
          versionInForce: 1,
        });
        const [inForce, draft] = await listFicheVersions(db.prisma, fiche.ficheId);
        expect(draft).toMatchObject({ version: 2, state: 'brouillon', changes: [] });
        expect(draft!.content).toEqual(inForce!.content);
      },
    );

    it(
      'recordLifecycleStep for the COTECH’s avis also writes the ' +
        'decision, with its instance and meeting, once per key',
      async () => {
        const fiche = await submittedFiche();
        const step = avisStep(fiche.ficheId);

        expect(await store.recordLifecycleStep(step)).toEqual({ created: true });

        const after = await rowsFor(fiche.ficheId);
        expect(after.fiches).toEqual([{ status: 'attente_copil' }]);
        expect(after.versions).toEqual([{ version: 1, state: 'proposee' }]);
        expect(after.decisions).toEqual([
          expect.objectContaining({
            idempotencyKey: step.idempotencyKey,
            ficheId: fiche.ficheId,
            version: 1,
            instanceId: cotech.id,
            meetingId,
            stage: 'soumise',
            outcome: 'favorable',
            comment: 'Bien argumenté.',
            actorEmail: 'assistante.education@example.org',
            actorRole: 'secretaire_instance',
            decidedAt: new Date(step.at),
          }),
        ]);
        expect(after.audits.map((a) => a.action)).toEqual(['fiche.submit', 'fiche.recordAvis']);
        expect(after.audits[1]).toMatchObject({
          key: step.idempotencyKey,
          actor: 'assistante.education@example.org',
          details: {
            version: 1,
            from: 'soumise',
            to: 'attente_copil',
            role: 'secretaire_instance',
            outcome: 'favorable',
            comment: 'Bien argumenté.',
            meetingId,
          },
          at: new Date(step.at),
        });

        // A retry, even one carrying another outcome, finds the key and writes nothing.
        const retry: LifecycleStepInput = {
          ...step,
          outcome: 'a_retravailler',
          toStage: 'brouillon',
          at: '2026-11-21T10:00:00.000Z',
        };
        expect(await store.recordLifecycleStep(retry)).toEqual({ created: false });
        expect(await rowsFor(fiche.ficheId)).toEqual(after);
      },
    );

    it('recordLifecycleStep on a missing fiche fails and leaves no decision and no audit line', async () => {
      const ficheId = `missing-${randomUUID()}`;
      const step = avisStep(ficheId);

      await expect(store.recordLifecycleStep(step)).rejects.toThrow();

      expect(await rowsFor(ficheId)).toEqual({ fiches: [], versions: [], decisions: [], audits: [] });
      expect(await db.prisma.auditEvent.count({ where: { key: step.idempotencyKey } })).toBe(0);
    });

    it(
      'recordLifecycleStep failing at its last write undoes the ' +
        'status, the version’s state and the decision it already wrote',
      async () => {
        const fiche = await submittedFiche();
        const before = await rowsFor(fiche.ficheId);
        const step = avisStep(fiche.ficheId);
        // The audit insert comes after the status, the version and the decision: refuse it for this
        // fiche only, so the failure happens with every earlier write done inside the transaction.
        const fn = `refuse_audit_${randomUUID().replaceAll('-', '')}`;
        await db.prisma.$executeRawUnsafe(
          `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.subject = 'fiche:${fiche.ficheId}' THEN RAISE EXCEPTION 'audit refused by the test'; END IF;
           RETURN NEW;
         END $$`,
        );
        await db.prisma.$executeRawUnsafe(
          `CREATE TRIGGER ${fn} BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
        );
        try {
          await expect(store.recordLifecycleStep(step)).rejects.toThrow(/audit refused by the test/);
        } finally {
          await db.prisma.$executeRawUnsafe(`DROP TRIGGER ${fn} ON "AuditEvent"`);
          await db.prisma.$executeRawUnsafe(`DROP FUNCTION ${fn}()`);
        }

        expect(before).toMatchObject({ fiches: [{ status: 'soumise' }], decisions: [] });
        expect(await rowsFor(fiche.ficheId)).toEqual(before);

        // The key was not consumed: the retry records the step.
        expect(await store.recordLifecycleStep(step)).toEqual({ created: true });
        const retried = await rowsFor(fiche.ficheId);
        expect([retried.fiches[0]?.status, retried.decisions.length, retried.audits.length]).toEqual([
          'attente_copil',
          1,
          2,
        ]);
      },
    );
  });
});

describe('applyMigrations twice at once on one fresh PostgreSQL database', () => {
  it('both succeed and every migration is recorded once (the advisory lock)', async () => {
    const names = (await committedMigrations()).map((m) => m.name);
    const migrations = await readMigrations();
    // Several rounds: a race lost by luck in one round shows up in another.
    for (let round = 0; round < 5; round += 1) {
      const created = await createTestDatabase(inject('postgresAdminUrl'), 'store_concurrent');
      const clients = [
        new pg.Client({ connectionString: created.url }),
        new pg.Client({ connectionString: created.url }),
      ];
      try {
        await Promise.all(clients.map((client) => client.connect()));
        const results = await Promise.all(
          clients.map((client) => applyMigrations(pgClientSession(client), migrations)),
        );

        expect(results.map((r) => r.applied).sort((a, b) => a.length - b.length)).toEqual([[], names]);
        const rows = await pgClientSession(clients[0]!).query<{ migration_name: string; n: number }>(
          `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" ` +
            `GROUP BY migration_name ORDER BY migration_name`,
        );
        expect(rows).toEqual(names.map((name) => ({ migration_name: name, n: 1 })));
      } finally {
        await Promise.all(clients.map((client) => client.end().catch(() => {})));
        await created.drop();
      }
    }
  });
});

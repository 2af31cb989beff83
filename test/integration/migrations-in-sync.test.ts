import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { applyMigrations, readMigrations, type SqlSession } from '../../store/database/migrations.js';
import { pgliteSession } from '../../store/database/sql-session.js';

const execFileAsync = promisify(execFile);

const root = fileURLToPath(new URL('../../', import.meta.url));
const schemaFile = path.join(root, 'prisma', 'schema.prisma');
const snapshotFile = path.join(root, 'prisma', 'migrations', 'schema.snapshot.prisma');
// Each `prisma` run takes 15-20 s here: the in-memory PGlite prisma.config.ts opens keeps the CLI
// alive about 10 s after its work is done. The tests run concurrently and get generous timeouts.
const PRISMA_TIMEOUT = 300_000;
const FIX =
  'Write the migration with `npm run migration:new -- <name>` ' +
  'and commit the folder it writes with schema.snapshot.prisma.';

/** Runs a command from the project root (where prisma.config.ts is); never on a configured database. */
async function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { cwd: root, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

async function migrateDiff(from: string[], to: string[]): Promise<string> {
  const result = await run('npx', ['prisma', 'migrate', 'diff', ...from, ...to, '--script']);
  if (result.code !== 0) throw new Error(`prisma migrate diff exited with ${result.code}:\n${result.stderr}`);
  return result.stdout;
}

function newMigration(args: string[]) {
  return run('npm', ['run', '--silent', 'migration:new', '--', ...args]);
}

/** The statements of a script, without Prisma's comments ("-- This is an empty migration."). */
function statements(sql: string): string {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .trim();
}

/** Tables, columns, constraints, indexes and enums of `public`, as comparable rows. */
async function describeSchema(session: SqlSession) {
  const [columns, constraints, indexes, enums] = await Promise.all([
    session.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
              character_maximum_length, numeric_precision, datetime_precision
       FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
       ORDER BY table_name, column_name`,
    ),
    session.query(
      `SELECT r.relname AS on_table, c.conname, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
       WHERE n.nspname = 'public' AND r.relname <> '_prisma_migrations'
       ORDER BY r.relname, c.conname`,
    ),
    session.query(
      `SELECT indexname, indexdef FROM pg_indexes
       WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`,
    ),
    session.query(
      `SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' GROUP BY t.typname ORDER BY t.typname`,
    ),
  ]);
  return { columns, constraints, indexes, enums };
}

describe.concurrent('committed migrations and prisma/schema.prisma', () => {
  it(
    'no schema change is waiting for a migration',
    async ({ expect }) => {
      const sql = await migrateDiff(['--from-schema-datamodel', snapshotFile], ['--to-schema-datamodel', schemaFile]);

      expect(
        statements(sql),
        `prisma/schema.prisma changed since the last migration. ${FIX}\nThe migration it needs:\n${sql}`,
      ).toBe('');
    },
    PRISMA_TIMEOUT,
  );

  it(
    'schema.snapshot.prisma describes what the committed migrations build',
    async ({ expect }) => {
      const fromSnapshot = await migrateDiff(['--from-empty'], ['--to-schema-datamodel', snapshotFile]);
      const migrated = new PGlite();
      const expected = new PGlite();
      try {
        await applyMigrations(pgliteSession(migrated), await readMigrations());
        await expected.exec(fromSnapshot);

        expect(
          await describeSchema(pgliteSession(migrated)),
          'The committed migrations do not build the schema in prisma/migrations/schema.snapshot.prisma ' +
            '(a migration or the snapshot was edited by hand?). The ' +
            'snapshot must be the schema as of the last migration.',
        ).toEqual(await describeSchema(pgliteSession(expected)));
      } finally {
        await Promise.all([migrated.close(), expected.close()]);
      }
    },
    PRISMA_TIMEOUT,
  );
});

describe.concurrent('npm run migration:new', () => {
  let tempRoot: string;

  beforeAll(async () => {
    tempRoot = await mkdtemp(path.join(os.tmpdir(), 'concerto-new-migration-'));
  });

  afterAll(async () => {
    await rm(tempRoot, { recursive: true, force: true });
  });

  /** A copy of the repository's prisma folder, to change and migrate without touching the real one. */
  async function scratchPrismaDir(name: string): Promise<string> {
    const dir = path.join(tempRoot, name, 'prisma');
    await cp(path.join(root, 'prisma'), dir, { recursive: true });
    return dir;
  }

  it(
    'writes the migration for an added model, updates the snapshot, then finds nothing more to do',
    async ({ expect }) => {
      const prismaDir = await scratchPrismaDir('added-model');
      const migrationsDir = path.join(prismaDir, 'migrations');
      const before = await readdir(migrationsDir);
      await appendFile(
        path.join(prismaDir, 'schema.prisma'),
        '\n/// Added by the test.\nmodel ScratchThing {\n  id    String   @id\n  title String\n  at    DateTime\n}\n',
      );
      const startedAt = Date.now();

      const first = await newMigration(['add_scratch_thing', '--prisma-dir', prismaDir]);

      expect(first.code, first.stderr).toBe(0);
      const added = (await readdir(migrationsDir)).filter((name) => !before.includes(name));
      expect(added).toHaveLength(1);
      const folder = added[0]!;
      expect(folder).toMatch(/^\d{14}_add_scratch_thing$/);
      const stamp = folder.slice(0, 14);
      const at = Date.UTC(
        +stamp.slice(0, 4),
        +stamp.slice(4, 6) - 1,
        +stamp.slice(6, 8),
        +stamp.slice(8, 10),
        +stamp.slice(10, 12),
        +stamp.slice(12, 14),
      );
      expect(Math.abs(at - startedAt)).toBeLessThan(5 * 60_000);
      const sql = await readFile(path.join(migrationsDir, folder, 'migration.sql'), 'utf8');
      expect(sql).toContain('CREATE TABLE "ScratchThing"');
      expect(await readFile(path.join(migrationsDir, 'schema.snapshot.prisma'), 'utf8')).toBe(
        await readFile(path.join(prismaDir, 'schema.prisma'), 'utf8'),
      );

      // The new folder sorts after the others, and the history builds the table from empty.
      const db = new PGlite();
      try {
        const migrations = await readMigrations(migrationsDir);
        expect(migrations.at(-1)?.name).toBe(folder);
        await applyMigrations(pgliteSession(db), migrations);
        expect(
          await db.query(
            `SELECT column_name FROM information_schema.columns WHERE table_name = 'ScratchThing' ORDER BY column_name`,
          ),
        ).toMatchObject({ rows: [{ column_name: 'at' }, { column_name: 'id' }, { column_name: 'title' }] });
      } finally {
        await db.close();
      }

      const second = await newMigration(['add_scratch_thing_again', '--prisma-dir', prismaDir]);

      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/No schema change since the last migration/);
      expect((await readdir(migrationsDir)).sort()).toEqual([...before, folder].sort());
    },
    PRISMA_TIMEOUT,
  );

  it('refuses a name that is not lowercase letters, digits and underscores, and writes nothing', async ({ expect }) => {
    const prismaDir = await scratchPrismaDir('bad-names');
    const before = await readdir(path.join(prismaDir, 'migrations'));

    for (const args of [['Add-Meeting'], ['add meeting'], []]) {
      const result = await newMigration([...args, '--prisma-dir', prismaDir]);
      expect(result.code, `args ${JSON.stringify(args)}`).toBe(2);
      expect(result.stderr).toMatch(/Usage: npm run migration:new -- <name>/);
      if (args[0]) expect(result.stderr).toContain(`"${args[0]}" is not a valid migration name`);
    }
    expect(await readdir(path.join(prismaDir, 'migrations'))).toEqual(before);
  });
});

import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../infra/process/project-root.js';

/** The SQL a migration runner needs: PGlite and node-postgres both fit. */
export interface SqlSession {
  /** Runs one or more statements without parameters (simple query protocol). */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The committed migrations, found from the sources or from `dist/` alike (tsc does not carry SQL along). */
export const defaultMigrationsDir = path.join(projectRoot(), 'prisma', 'migrations');

// Same key as Prisma Migrate, so `prisma migrate` and Concerto never migrate at the same time.
const ADVISORY_LOCK_KEY = 72707369;

/** Reads committed migrations in order; the checksum is the one Prisma records (SHA-256 of the file). */
export async function readMigrations(dir = defaultMigrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies the migrations not yet recorded in `_prisma_migrations`, each in its own transaction,
 * recording them the way Prisma Migrate does so `prisma migrate status` agrees.
 * Refuses to go on when an applied migration's file has changed or a previous one failed.
 */
export async function applyMigrations(session: SqlSession, migrations: Migration[]): Promise<{ applied: string[] }> {
  // Lock first: two runners creating the table at once make one fail (duplicate pg_type row).
  await session.exec(`SELECT pg_advisory_lock(${ADVISORY_LOCK_KEY})`);
  try {
    await session.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const rows = await session.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const recorded = new Map(rows.map((r) => [r.migration_name, r]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const row = recorded.get(migration.name);
      if (row && !row.finished_at) {
        throw new Error(
          `Migration ${migration.name} failed earlier and is marked unfinished in _prisma_migrations. ` +
            'Fix the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back).',
        );
      }
      if (row && row.checksum !== migration.checksum) {
        throw new Error(
          `Migration ${migration.name} was modified after it was applied. Restore its migration.sql ` +
            'and write a new migration for the change (npm run migration:new).',
        );
      }
      if (row) continue;
      await session.exec('BEGIN');
      try {
        await session.exec(migration.sql);
        await session.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await session.exec('COMMIT');
      } catch (error) {
        await session.exec('ROLLBACK');
        throw new Error(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, {
          cause: error,
        });
      }
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    await session.exec(`SELECT pg_advisory_unlock(${ADVISORY_LOCK_KEY})`);
  }
}

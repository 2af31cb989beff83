import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** Where the domain lives: an embedded PGlite folder, or a PostgreSQL server. */
export type DatabaseTarget =
  { kind: 'pglite'; dir: string } | { kind: 'pglite-memory' } | { kind: 'postgres'; url: string };

/** Reads DATABASE_URL, else the PGlite folder under CONCERTO_DATA_DIR (default `data/`). */
export function databaseTargetFromEnv(env: NodeJS.ProcessEnv): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error(
        `DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/db), got "${url.split(':')[0]}:…". ` +
          'Unset it to use the embedded database under CONCERTO_DATA_DIR.',
      );
    }
    return { kind: 'postgres', url };
  }
  return { kind: 'pglite', dir: path.resolve(env.CONCERTO_DATA_DIR ?? 'data', 'pglite') };
}

/** A Prisma driver adapter for the target, and what to close when done. */
export function openAdapter(target: DatabaseTarget): {
  adapter: SqlMigrationAwareDriverAdapterFactory;
  close: () => Promise<void>;
  pglite?: PGlite;
} {
  if (target.kind === 'postgres') {
    const adapter = new PrismaPg({ connectionString: target.url });
    return { adapter, close: async () => {} };
  }
  const pglite = target.kind === 'pglite' ? new PGlite(target.dir) : new PGlite();
  // PGlite keeps the process alive until closed, so the owner must close it.
  // pglite-prisma-adapter 0.6 is typed against driver-adapter-utils 6.10; its runtime contract is
  // the same as 6.19's, which the store tests check.
  const adapter = new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory;
  return { adapter, close: () => pglite.close(), pglite };
}

import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { DatabaseTarget } from '../../infra/database-target.js';

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

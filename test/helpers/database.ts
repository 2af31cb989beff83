import { inject } from 'vitest';
import { openDatabase, type Database } from '../../store/database/open-database.js';
import { createTestDatabase } from './postgres.js';

export type TestDatabaseKind = 'pglite' | 'postgres';
export const DATABASE_KINDS: TestDatabaseKind[] = ['pglite', 'postgres'];

/** A throwaway, migrated database: in-memory PGlite, or a fresh database on the run's PostgreSQL. */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<Database & { url?: string }> {
  if (kind === 'pglite') return openDatabase({ kind: 'pglite-memory' });
  const created = await createTestDatabase(inject('postgresAdminUrl'));
  const db = await openDatabase({ kind: 'postgres', url: created.url });
  return {
    ...db,
    url: created.url,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}

import type pg from 'pg';
import type { SqlSession } from './migrations.js';

/** The part of a PGlite instance a session needs (typed structurally so callers pass any PGlite). */
export interface PGliteLike {
  exec(sql: string): Promise<unknown>;
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** A migration session on a PGlite instance; the caller keeps it open and closes it. */
export function pgliteSession(db: PGliteLike): SqlSession {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T>(sql: string, params?: unknown[]) {
      return (await db.query<T>(sql, params)).rows;
    },
  };
}

/** A migration session on a connected node-postgres client; the caller ends it. */
export function pgClientSession(client: pg.Client): SqlSession {
  return {
    async exec(sql) {
      // Without parameters node-postgres uses the simple query protocol: several statements pass.
      await client.query(sql);
    },
    async query<T>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as T[];
    },
  };
}

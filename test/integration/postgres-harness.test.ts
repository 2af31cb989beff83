import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startTestPostgres, type PostgresServer, type TestDatabase } from '../helpers/postgres.js';

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function databaseExists(adminUrl: string, url: string): Promise<boolean> {
  const name = new URL(url).pathname.slice(1);
  const rows = await query(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}

describe('PostgreSQL test harness', () => {
  let server: PostgresServer;
  let first: TestDatabase;
  let second: TestDatabase;

  beforeAll(async () => {
    server = await startTestPostgres();
    first = await createTestDatabase(server.adminUrl, 'harness_a');
    second = await createTestDatabase(server.adminUrl, 'harness_b');
  });

  afterAll(async () => {
    await first?.drop();
    await second?.drop();
    await server?.stop();
  });

  it('creates two distinct databases reachable by their URLs', async () => {
    expect(first.url).not.toBe(second.url);
    expect(new URL(first.url).pathname).toMatch(/^\/harness_a_[0-9a-f]{12}$/);
    const [row] = await query<{ db: string }>(first.url, 'SELECT current_database() AS db');
    expect(`/${row?.db}`).toBe(new URL(first.url).pathname);
  });

  it('keeps what is written in one database out of the other', async () => {
    await query(first.url, 'CREATE TABLE note (body text NOT NULL)');
    await query(first.url, 'INSERT INTO note (body) VALUES ($1)', ['only in the first']);

    expect(await query(first.url, 'SELECT body FROM note')).toEqual([{ body: 'only in the first' }]);
    expect(await query(second.url, `SELECT to_regclass('public.note') AS note`)).toEqual([{ note: null }]);
  });

  it.skipIf(Boolean(process.env.TEST_DATABASE_URL))(
    'restarts a throwaway cluster: down in between, then back on the same URL with what was committed',
    async () => {
      await query(second.url, 'CREATE TABLE kept (body text NOT NULL)');
      await query(second.url, 'INSERT INTO kept (body) VALUES ($1)', ['before the restart']);
      const restarting = server.restart!(1500);
      await new Promise((resolve) => setTimeout(resolve, 700));
      await expect(query(second.url, 'SELECT 1')).rejects.toThrow();
      await restarting;
      expect(await query(second.url, 'SELECT body FROM kept')).toEqual([{ body: 'before the restart' }]);
    },
  );

  it('drops a database even while a connection to it is open, and a second drop is harmless', async () => {
    const third = await createTestDatabase(server.adminUrl, 'harness_c');
    const open = new pg.Client({ connectionString: third.url });
    // The terminated connection reports an error event: expected here.
    open.on('error', () => {});
    await open.connect();
    try {
      await third.drop();
      await third.drop();
      expect(await databaseExists(server.adminUrl, third.url)).toBe(false);
    } finally {
      await open.end().catch(() => {});
    }
  });

  it('drops the two databases', async () => {
    await first.drop();
    await second.drop();
    expect(await databaseExists(server.adminUrl, first.url)).toBe(false);
    expect(await databaseExists(server.adminUrl, second.url)).toBe(false);
  });
});

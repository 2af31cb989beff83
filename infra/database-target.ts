import path from 'node:path';

/** Where the domain lives: an embedded PGlite folder, or a PostgreSQL server. */
export type DatabaseTarget =
  { kind: 'pglite'; dir: string } | { kind: 'pglite-memory' } | { kind: 'postgres'; url: string };

/** Reads DATABASE_URL, else the PGlite folder under CONCERTO_DATA_DIR (default `data/`). */
export function databaseTargetFromEnv(env: NodeJS.ProcessEnv): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error(
        `DATABASE_URL must be a PostgreSQL URL ` +
          `(postgres://user:password@host:5432/db), got "${url.split(':')[0]}:…". ` +
          'Unset it to use the embedded database under CONCERTO_DATA_DIR.',
      );
    }
    return { kind: 'postgres', url };
  }
  return { kind: 'pglite', dir: path.resolve(env.CONCERTO_DATA_DIR ?? 'data', 'pglite') };
}

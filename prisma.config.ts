import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { openAdapter } from './store/database/adapter.js';

// Prisma 6.19 runs offline only with the JS engine and a driver adapter (see ENVIRONMENT.md).
// The CLI works on DATABASE_URL when set, else on a scratch in-memory PGlite: the app applies
// migrations itself at start, and a PGlite folder may be open in one process only.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    const url = process.env.DATABASE_URL;
    return openAdapter(url ? { kind: 'postgres', url } : { kind: 'pglite-memory' }).adapter;
  },
});

import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { openAdapterFactory } from './infra/database-adapter.js';

// Prisma 6.19 runs offline only with the JS engine and a driver adapter (see ENVIRONMENT.md).
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    return openAdapterFactory(process.env);
  },
});

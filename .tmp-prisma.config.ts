import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { openAdapter } from './infra/database-adapter.js';
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    const opened = openAdapter({ kind: 'pglite-memory' });
    const factory = opened.adapter;
    return {
      provider: factory.provider,
      adapterName: factory.adapterName,
      async connect() {
        const a = await factory.connect();
        const orig = a.dispose.bind(a);
        a.dispose = async () => { process.stderr.write('dispose called\n'); await orig(); await opened.close(); };
        return a;
      },
      connectToShadowDb: () => factory.connectToShadowDb(),
    } as typeof factory;
  },
});

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/database/open-database.js';

describe('an embedded database folder is opened by one process at a time', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-lock-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'refuses a second opener while the first holds it, naming the holder, and lets it in once closed',
    { timeout: 60_000 },
    async () => {
      const target = { kind: 'pglite' as const, dir: path.join(dir, 'pglite') };
      const first = await openDatabase(target);
      try {
        // Another process, as `npm run demo` beside a running `npm start`.
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            '-e',
            `
        const { openDatabase } = await import('./store/database/open-database.ts');
        try { await openDatabase(${JSON.stringify(target)}); console.log('opened'); }
        catch (error) { console.log(error.message); }
      `,
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        await new Promise((resolve) => child.on('exit', resolve));
        expect(output).toContain(`is open in another process (pid ${process.pid})`);
        expect(output).not.toContain('opened');
      } finally {
        await first.close();
      }
      const again = await openDatabase(target);
      await again.close();
    },
  );

  it('takes over a lock left by a process that died', { timeout: 60_000 }, async () => {
    const target = { kind: 'pglite' as const, dir: path.join(dir, 'stale') };
    // A pid that cannot be alive: above the kernel's maximum.
    await writeFile(`${target.dir}.lock`, '4194305');
    const db = await openDatabase(target);
    await db.ping();
    await db.close();
    // Closing released the lock: the folder opens again.
    await expect(openDatabase(target).then((d) => d.close())).resolves.toBeUndefined();
  });
});

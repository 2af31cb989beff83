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
  // Listen before the start settles: it takes seconds, and a signal meanwhile would otherwise end
  // this process at once, leaving the Temporal dev server it already started running.
  const aborting = new AbortController();
  const starting = startConcerto(config, log, aborting.signal);
  let stopping = false;
  const stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping`);
    const force = setTimeout(() => {
      log(`still stopping after ${STOP_GRACE_MS / 1000} s: exiting anyway`);
      process.exit(code || 1);
    }, STOP_GRACE_MS);
    force.unref();
    aborting.abort();
    // Still starting: stop once started. A failed start is reported below, and stops what it started.
    void starting.then(
      async (running) => {
        await running.stop();
        log('stopped');
        process.exit(code);
      },
      () => {},
    );
  };
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('SIGTERM', () => stop('SIGTERM', 0));

  const running = await starting.catch((error: unknown) => {
    // Ctrl-C reaches the dev server too, which then fails the start: that is the stop asked for.
    if (!stopping) throw error;
    log('stopped before it was ready');
    process.exit(0);
  });
  if (stopping) return;
  log(`ready: ${running.url}  (health: ${running.url}/healthz, outbox: ${running.url}/api/outbox)`);
  log(`Temporal: ${running.temporalAddress}${running.temporalUiUrl ? `, Web UI: ${running.temporalUiUrl}` : ''}`);
  running.workerDone.then(
    () => stop('the worker stopped', stopping ? 0 : 1),
    (error: unknown) => stop(`the worker failed: ${(error as Error).message}`, 1),
  );
}

main().catch((error: unknown) => {
  console.error(`[concerto] cannot start: ${(error as Error).message}`);
  process.exit(1);
});

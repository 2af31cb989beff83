import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../infra/config.js';
import { describeTarget, openDatabase } from '../store/database/open-database.js';
import { startMailTransportThread } from '../infra/smtp-out/mail-transport-thread.js';
import { clusterConnectionOptions } from '../infra/temporal/connection.js';
import { createConcertoWorker, workerTuning } from './create-worker.js';
import { createStore } from '../store/index.js';

// A worker on its own, for scale-out: as many as needed, beside a Temporal cluster, a PostgreSQL
// server and an SMTP relay. (`npm start` runs one inside the app process.)
const log = (line: string) => console.log(`[concerto-worker] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.temporal.mode !== 'cluster') {
    throw new Error(
      'A standalone worker joins a running Temporal: set TEMPORAL_ADDRESS (npm start runs its own server).',
    );
  }
  if (!config.mail.smtpUrl) {
    throw new Error(
      'A standalone worker sends mail through a relay: set SMTP_URL (the embedded mail catcher lives in npm start).',
    );
  }
  if (!config.links.secret) {
    throw new Error(
      'A standalone worker signs the links of meeting mails like the ' +
        'app checks them: set LINK_SECRET, the same in every process.',
    );
  }
  // SIGINT / SIGTERM: the runtime drains the worker, then run() returns and we close the rest.
  Runtime.install({ logger: new DefaultLogger(config.logLevel) });
  const db = await openDatabase(config.database);
  const transport = startMailTransportThread({ kind: 'smtp', url: config.mail.smtpUrl, dkim: config.mail.dkim });
  const connection = await NativeConnection.connect(await clusterConnectionOptions(config.temporal));
  try {
    const worker = await createConcertoWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      store: createStore(db.prisma),
      transport,
      mailFrom: config.mail.from,
      links: { publicUrl: config.publicUrl, secret: config.links.secret },
      ...workerTuning(config),
      ...(config.caldav.secret ? { calendarSecret: config.caldav.secret } : {}),
    });
    log(
      `polling ${config.temporal.taskQueue} on ${config.temporal.address}; store: ${describeTarget(config.database)}`,
    );
    await worker.run();
  } finally {
    transport.close();
    await connection.close();
    await db.close();
  }
  log('stopped');
}

main().catch((error: unknown) => {
  console.error(`[concerto-worker] ${(error as Error).message}`);
  process.exit(1);
});

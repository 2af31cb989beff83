import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { buildHttpApp } from '../server/app.js';
import { createRsvpSignaller } from '../client/signal-rsvp.js';
import { addressOf } from '../documents/mail/addresses.js';
import type { ConcertoConfig } from '../infra/config.js';
import { describeTarget, openDatabase } from '../store/database/open-database.js';
import { createBounceRecorder } from '../activities/mail.js';
import { recordImipReplies } from './imip-replies.js';
import { startCalendarAnswerPolling } from './caldav-answers.js';
import { passwordBox } from '../infra/caldav/password-box.js';
import { startImipListener, type ImipListener } from '../infra/smtp-in/imip-listener.js';
import { checkMailSetup } from '../infra/doctor/mail-setup.js';
import { startImapPoller } from '../infra/imap-in/imap-poller.js';
import type { MailCatcher } from '../infra/smtp-in/mail-catcher.js';
import { startMailCatcherThread } from '../infra/smtp-in/mail-catcher-thread.js';
import { startMailTransportThread } from '../infra/smtp-out/mail-transport-thread.js';
import { assertPortFree } from '../infra/process/ports.js';
import { resolveLinkSecret } from '../infra/links/signed-links.js';
import { resolveTemporalBinary } from '../infra/temporal/binaries.js';
import { clusterConnectionOptions, pingTemporal } from '../infra/temporal/connection.js';
import { startDevServer } from '../infra/temporal/dev-server.js';
import { bootstrapAdmins } from './bootstrap-admins.js';
import { createConcertoWorker, workerTuning } from '../worker/create-worker.js';
import { createStore } from '../store/index.js';

export interface RunningConcerto {
  url: string;
  temporalUiUrl: string | null;
  temporalAddress: string;
  catcher?: MailCatcher;
  /** The calendar-reply listener, unless IMIP_LISTEN=0. */
  imip?: ImipListener;
  /** Settles when the worker stops on its own (a fatal error); `stop()` settles it too. */
  readonly workerDone: Promise<void>;
  stop(): Promise<void>;
}

export class StartupError extends Error {
  readonly code = 'STARTUP_FAILED';
}

const CLUSTER_CONNECT_TIMEOUT_MS = 5000;
/** Below the health route's 3 s so the call ends (and stops retrying) before the route gives up on it. */
const PROBE_DEADLINE_MS = 2500;

async function assertWritableDir(dir: string): Promise<void> {
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    throw new StartupError(
      `The data folder ${dir} is not writable ` +
        `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        'Set CONCERTO_DATA_DIR to a folder this user can write.',
    );
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StartupError(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the whole embedded stack in this process — Temporal dev server (a child process) or a
 * cluster connection, the database, the mail catcher, the worker and the HTTP server — and gives
 * back one `stop()`. If any part fails to start, what was started is stopped again.
 */
export async function startConcerto(
  config: ConcertoConfig,
  log: (line: string) => void = () => {},
  signal?: AbortSignal,
): Promise<RunningConcerto> {
  const closers: Array<() => Promise<void>> = [];
  // A stop asked during the start ends it between two steps, rather than once everything is up.
  const checkpoint = () => {
    if (signal?.aborted) throw new StartupError('stopped while starting');
  };
  const stopAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => log(`while stopping: ${(error as Error).message}`));
    }
  };

  try {
    await assertWritableDir(config.dataDir);
    await assertPortFree(config.host, config.port, 'set PORT to another port');
    if (!config.mail.smtpUrl) {
      await assertPortFree('127.0.0.1', config.mail.catcherPort, 'set CONCERTO_SMTP_PORT to another port');
    }
    if (config.imip.listen) {
      await assertPortFree('127.0.0.1', config.imip.port, 'set CONCERTO_IMIP_PORT to another port, or IMIP_LISTEN=0');
    }
    const linkSecret = await resolveLinkSecret({ configured: config.links.secret, dataDir: config.dataDir });
    const calendarSecret = config.caldav.secret ?? linkSecret;

    let address: string;
    let temporalUiUrl: string | null = null;
    let connectionOptions: Awaited<ReturnType<typeof clusterConnectionOptions>>;
    if (config.temporal.mode === 'embedded') {
      const cli = await resolveTemporalBinary('cli');
      log(`starting the Temporal dev server (${cli.path})`);
      const server = await startDevServer({
        cliPath: cli.path,
        dbFilename: path.join(config.dataDir, 'temporal', 'temporal.db'),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        log: (line) => log(`temporal: ${line}`),
      });
      closers.push(() => server.stop());
      checkpoint();
      address = server.address;
      temporalUiUrl = server.uiUrl;
      connectionOptions = { address, tls: false };
    } else {
      connectionOptions = await clusterConnectionOptions(config.temporal);
      address = config.temporal.address;
      temporalUiUrl = config.temporal.uiUrl ?? null;
    }

    const unreachable =
      `Temporal at ${address} did not answer within ${CLUSTER_CONNECT_TIMEOUT_MS / 1000} s. ` +
      'Check TEMPORAL_ADDRESS (and TLS / API key), or unset it to run the embedded dev server.';
    const connection = await withTimeout(
      Connection.connect({ ...connectionOptions, connectTimeout: CLUSTER_CONNECT_TIMEOUT_MS }),
      CLUSTER_CONNECT_TIMEOUT_MS + 1000,
      unreachable,
    ).catch((error: unknown) => {
      throw error instanceof StartupError ? error : new StartupError(`${unreachable} (${(error as Error).message})`);
    });
    closers.push(() => connection.close());
    await pingTemporal(connection, CLUSTER_CONNECT_TIMEOUT_MS).catch((error: unknown) => {
      throw new StartupError(`${unreachable} (${(error as Error).message})`);
    });
    const client = new Client({ connection, namespace: config.temporal.namespace });

    checkpoint();
    log(`opening ${describeTarget(config.database)}`);
    const db = await openDatabase(config.database);
    closers.push(() => db.close());
    checkpoint();
    const store = createStore(db.prisma);
    if (config.demo && (await store.conventions.count()) === 0) {
      log('empty database: loading the demo convention (CONCERTO_DEMO=0 to skip)');
      const loaded = await store.conventions.loadDemo();
      log(`demo loaded: ${loaded.created} records`);
    }

    const { cliTokenFile, holder } = await bootstrapAdmins(store.access, {
      admins: config.admins,
      dataDir: config.dataDir,
    });
    log(`admin API token of ${holder} for the local CLI: ${cliTokenFile}`);

    checkpoint();
    let catcher: MailCatcher | undefined;
    if (!config.mail.smtpUrl) {
      catcher = await startMailCatcherThread({
        dir: path.join(config.dataDir, 'outbox'),
        port: config.mail.catcherPort,
      });
      const started = catcher;
      closers.push(() => started.close());
    }
    const transport = startMailTransportThread(
      config.mail.smtpUrl
        ? { kind: 'smtp', url: config.mail.smtpUrl, dkim: config.mail.dkim }
        : { kind: 'catcher', host: catcher!.host, port: catcher!.port, dkim: config.mail.dkim },
    );
    closers.push(async () => transport.close());

    checkpoint();
    const nativeConnection = await withTimeout(
      NativeConnection.connect(connectionOptions),
      CLUSTER_CONNECT_TIMEOUT_MS,
      unreachable,
    );
    closers.push(() => nativeConnection.close());
    const worker: Worker = await createConcertoWorker({
      connection: nativeConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      store,
      transport,
      mailFrom: config.mail.from,
      links: { publicUrl: config.publicUrl, secret: linkSecret },
      calendarSecret,
      ...workerTuning(config),
    });
    const workerDone = worker.run();
    closers.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerDone.catch(() => {});
    });

    const onRsvp = createRsvpSignaller(client, log);
    // Replies and bounces are read alike whether they come by the SMTP listener or from the mailbox.
    const inbound = {
      onReply: recordImipReplies({ meetings: store.meetings, onRsvp, log }),
      // Mail goes out with its return path at the From address's domain (VERP): its bounces come back here.
      onBounce: createBounceRecorder({ transport, ledger: store.mailLedger, from: config.mail.from }),
      log,
    };
    let imip: ImipListener | undefined;
    if (config.imip.listen) {
      imip = await startImipListener({ organizers: [addressOf(config.mail.from)], port: config.imip.port, ...inbound });
      const started = imip;
      closers.push(() => started.close());
    }
    if (config.imap) {
      // It connects in the background: a mail server out of reach is logged and tried again, never a failed start.
      const poller = startImapPoller({ settings: config.imap, processed: store.inboundMail, ...inbound });
      closers.push(() => poller.stop());
    }

    if (config.caldav.pollSeconds > 0) {
      const polling = startCalendarAnswerPolling(
        { calendars: store.calendars, meetings: store.meetings, passwords: passwordBox(calendarSecret), onRsvp, log },
        config.caldav.pollSeconds * 1000,
      );
      closers.push(() => polling.stop());
    }

    const app = buildHttpApp({
      client,
      store,
      taskQueue: config.temporal.taskQueue,
      catcher,
      rsvp: { secret: linkSecret, publicUrl: config.publicUrl, onRsvp },
      feeds: { organizerEmail: addressOf(config.mail.from) },
      temporalUiUrl,
      signIn: { sendMail: (message) => transport.sendMail({ from: config.mail.from, ...message }) },
      log: true,
      trustProxy: config.trustProxy,
      calendarSecret,
      checkMail: () => checkMailSetup({ smtpUrl: config.mail.smtpUrl, dkim: config.mail.dkim, imap: config.imap }),
      probes: {
        temporal: () => pingTemporal(connection, PROBE_DEADLINE_MS),
        database: () => db.ping(),
      },
    });
    checkpoint();
    await app.listen({ host: config.host, port: config.port });
    closers.push(() => app.close());
    const bound = app.server.address();
    const port = typeof bound === 'object' && bound ? bound.port : config.port;

    return {
      url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
      temporalUiUrl,
      temporalAddress: address,
      ...(catcher ? { catcher } : {}),
      ...(imip ? { imip } : {}),
      workerDone,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

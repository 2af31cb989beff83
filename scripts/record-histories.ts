import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { openDatabase } from '../store/database/open-database.js';
import { startMailCatcher } from '../infra/smtp-in/mail-catcher.js';
import { createMailTransport } from '../infra/smtp-out/mail-transport.js';
import { findFreePort } from '../infra/process/ports.js';
import { resolveTemporalBinary } from '../infra/temporal/binaries.js';
import { startDevServer } from '../infra/temporal/dev-server.js';
import { bundleWorkflows, createConcertoWorker } from '../worker/create-worker.js';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import { historyWorkflowId, SCENARIOS } from '../test/replay/scenarios.js';
import { createStore } from '../store/index.js';

// `npm run histories:record`: runs every replay scenario against a throwaway dev server, store and
// mail catcher, and writes each workflow history to test/fixtures/histories/<scenario>.json.
// `npm run histories:record -- <scenario>…` records only those, leaving the others as committed:
// older histories stay, to prove the code still replays what ran before a patched() change.

const HISTORIES_DIR = fileURLToPath(new URL('../test/fixtures/histories/', import.meta.url));
const TASK_QUEUE = 'concerto-histories';
/** Replaces the `pid@hostname` identities of the worker and client: no host name in the repository. */
const IDENTITY = 'concerto-history-recorder';
const SCENARIO_TIMEOUT_MS = 60_000;
const only = process.argv.slice(2);

/**
 * The SDK's JSON history format, with the worker's `pid@hostname` identities and sticky task queue
 * names fixed (replay reads neither): no host name committed, and a re-recording diffs less.
 */
function formatHistory(history: History): string {
  const json = JSON.parse(historyToJSON(history)) as unknown;
  const scrub = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(scrub);
    if (value === null || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    if (object.kind === 'TASK_QUEUE_KIND_STICKY' && typeof object.name === 'string')
      return { ...object, name: `${IDENTITY}-sticky` };
    return Object.fromEntries(
      Object.entries(object).map(([key, inner]) => [
        key,
        key === 'identity' && typeof inner === 'string' ? IDENTITY : scrub(inner),
      ]),
    );
  };
  return `${JSON.stringify(scrub(json), null, 2)}\n`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`${what} did not finish within ${ms / 1000} s: does it wait for something it never sends?`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const unknown = only.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0)
    throw new Error(`No such scenario: ${unknown.join(', ')}. Scenarios: ${Object.keys(SCENARIOS).join(', ')}.`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'concerto-histories-'));
    stops.push(() => rm(tmp, { recursive: true, force: true }));

    const cli = await resolveTemporalBinary('cli');
    const [server, bundle, db, catcher] = await Promise.all([
      findFreePort().then((port) =>
        startDevServer({ cliPath: cli.path, dbFilename: path.join(tmp, 'temporal.db'), port, uiPort: false }),
      ),
      bundleWorkflows(),
      openDatabase({ kind: 'pglite-memory' }),
      startMailCatcher({ dir: path.join(tmp, 'outbox') }),
    ]);
    stops.push(
      () => server.stop(),
      () => db.close(),
      () => catcher.close(),
    );

    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace, identity: IDENTITY });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    stops.push(() => nativeConnection.close());
    const transport = createMailTransport({ kind: 'catcher', host: catcher.host, port: catcher.port });
    stops.push(async () => transport.close());

    const worker = await createConcertoWorker({
      connection: nativeConnection,
      namespace: server.namespace,
      taskQueue: TASK_QUEUE,
      store: createStore(db.prisma),
      transport,
      mailFrom: 'Concerto <concerto@example.org>',
      // Recorded scenarios follow links nowhere: any secret signs them.
      links: { publicUrl: 'http://localhost:3000', secret: randomBytes(32).toString('hex') },
      workflowBundle: bundle,
    });

    // Everything is recorded before anything is written: a failed scenario leaves the committed set whole.
    const recorded = await worker.runUntil(async () => {
      const histories: Array<{ name: string; text: string; events: number }> = [];
      for (const [name, scenario] of Object.entries(SCENARIOS).filter(
        ([name]) => only.length === 0 || only.includes(name),
      )) {
        const run = scenario({ client, taskQueue: TASK_QUEUE, workflowId: historyWorkflowId(name), prisma: db.prisma });
        const workflowId = await withTimeout(run, SCENARIO_TIMEOUT_MS, `Scenario "${name}"`);
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        histories.push({ name, text: formatHistory(history), events: history.events?.length ?? 0 });
      }
      return histories;
    });

    await mkdir(HISTORIES_DIR, { recursive: true });
    for (const { name, text, events } of recorded) {
      const file = path.join(HISTORIES_DIR, `${name}.json`);
      await writeFile(file, text);
      console.log(`wrote ${path.relative(process.cwd(), file)} (${events} events, ${Buffer.byteLength(text)} bytes)`);
    }
    // A history whose scenario was removed or renamed would otherwise be replayed forever.
    for (const entry of only.length === 0 ? await readdir(HISTORIES_DIR) : []) {
      if (entry.endsWith('.json') && !(entry.slice(0, -'.json'.length) in SCENARIOS)) {
        await rm(path.join(HISTORIES_DIR, entry));
        console.log(
          `removed ${path.relative(process.cwd(), path.join(HISTORIES_DIR, entry))} (no such scenario any more)`,
        );
      }
    }
    console.log(
      'Commit these files with the workflow change that made them differ; `npx vitest run test/replay` replays them.',
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
  }
}

main().catch((error: unknown) => {
  console.error(
    `Recording the workflow histories failed: ` +
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});

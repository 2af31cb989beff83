import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';

/** A standalone worker (`npm run worker`) in its own process. */
export interface WorkerProcess {
  child: ChildProcess;
  /** The identity Temporal records for its tasks (the SDK's default: pid@host). */
  identity: string;
  /** Resolves once it polls its task queue. */
  ready: Promise<void>;
  /** What it printed so far. */
  output(): string;
  /** Rejects once it exits, saying how: raced with the work that needs it. */
  stopped: Promise<never>;
  /** Ends it (SIGTERM: it drains, then exits) and waits for its exit; nothing when already gone. */
  stop(): Promise<void>;
}

/**
 * Starts `worker/main.ts` on the Temporal server at `temporalAddress` and `taskQueue`, with the database at
 * `databaseUrl`, mail to the relay at `smtpUrl` and meeting links signed with `linkSecret`; `env` adds variables
 * (TEMPORAL_MAX_CACHED_WORKFLOWS…) and `heapCapMiB` caps each of its heaps (`--max-old-space-size`). One process,
 * as `npm run worker` runs it: a SIGKILL reaches the worker itself. `run` replaces node's arguments: the compiled
 * worker (`dist/worker/main.js`, `npm run build`) in place of its sources under tsx.
 */
export function startWorkerProcess(options: {
  temporalAddress: string;
  taskQueue: string;
  databaseUrl: string;
  smtpUrl: string;
  linkSecret: string;
  env?: Record<string, string>;
  heapCapMiB?: number;
  run?: string[];
}): WorkerProcess {
  const heapCap = options.heapCapMiB ? [`--max-old-space-size=${options.heapCapMiB}`] : [];
  const run = options.run ?? ['--import', 'tsx', 'worker/main.ts'];
  const child = spawn(process.execPath, [...heapCap, ...run], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      DATABASE_URL: options.databaseUrl,
      SMTP_URL: options.smtpUrl,
      MAIL_FROM: 'Concerto <concerto@example.org>',
      // A standalone worker refuses to start without the key that signs meeting links.
      LINK_SECRET: options.linkSecret,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('[concerto-worker] polling')) resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`worker exited (${code ?? signal}) before polling:\n${output}`)),
    );
  });
  // Only a caller waiting for it hears of an early exit.
  ready.catch(() => {});
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') console.error(`worker exited ${code ?? signal}:\n${output}`);
  });
  const stopped = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`the worker stopped (${code ?? signal})`))),
  );
  stopped.catch(() => {});
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await stopped.catch(() => {});
  };
  return { child, identity: `${child.pid}@${hostname()}`, ready, output: () => output, stopped, stop };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { assertPortFree } from '../process/ports.js';
import { pingTemporal } from './connection.js';

/** How to run `temporal server start-dev`. */
export interface DevServerOptions {
  /** The `temporal` CLI, e.g. from `resolveTemporalBinary('cli')`. */
  cliPath: string;
  /** SQLite file holding the server's state across restarts; its folder is created if missing. */
  dbFilename: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** gRPC port, default 7233. */
  port?: number;
  /** Web UI port, default 8233; 0 or false runs the server without the UI. */
  uiPort?: number | false;
  /** Namespace created at start, default `default` (which always exists). */
  namespace?: string;
  /** Receives each line the server prints (stdout and stderr). */
  log?: (line: string) => void;
  /** How long the server may take to answer gRPC, default 20 s. */
  startTimeoutMs?: number;
  /** Further `start-dev` flags, e.g. `['--search-attribute', 'FicheId=Keyword']`. */
  extraArgs?: readonly string[];
  /** SQLite pragmas, default {@link SQLITE_PRAGMAS}; bench/ compares them with SQLite's defaults. */
  sqlitePragmas?: readonly string[];
}

/** A running dev server; `stop()` ends it (SIGTERM, then SIGKILL after 5 s). */
export interface DevServer {
  /** `host:port`, for `Connection.connect({ address })`. */
  address: string;
  uiUrl: string | null;
  namespace: string;
  pid: number;
  stop(): Promise<void>;
}

/** The dev server did not come up; the message ends with its last lines of output. */
export class TemporalDevServerError extends Error {
  readonly code = 'TEMPORAL_DEV_SERVER_START_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TemporalDevServerError';
  }
}

const PORT_HINT =
  'stop whatever uses it (perhaps another Concerto or Temporal dev server), or set TEMPORAL_PORT / TEMPORAL_UI_PORT';
const STOP_GRACE_MS = 5_000;
const OUTPUT_LINES_KEPT = 20;

const SETPRIV = '/usr/bin/setpriv';

/**
 * On Linux, util-linux's `setpriv --pdeathsig` makes the kernel send SIGTERM to the server when
 * this process dies, even by SIGKILL, when no exit hook runs: the server never outlives us.
 * Elsewhere, or without setpriv, the exit hook below is the only guard.
 */
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux' || !existsSync(SETPRIV)) return [command, args];
  return [SETPRIV, ['--pdeathsig', 'TERM', '--', command, ...args]];
}

/**
 * SQLite tuning, as Temporal's TS SDK does for its stress tests: WAL lets readers run beside the
 * single writer, and synchronous=normal skips an fsync per commit (still safe against a crash of
 * the server process; only an OS crash may lose the last commits).
 */
export const SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function isRunning(child: ChildProcess): boolean {
  // No pid: the spawn itself failed, so there is nothing to wait for.
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!isRunning(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_GRACE_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, STOP_GRACE_MS);
}

/** Resolves once the frontend answers gRPC and knows the namespace. */
async function probe(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const connection = Connection.lazy({ address, connectTimeout: timeoutMs });
  try {
    await connection.ensureConnected();
    await pingTemporal(connection, timeoutMs);
    // The CLI registers extra namespaces after the frontend is up: wait for ours too.
    await connection.withDeadline(Date.now() + timeoutMs, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
  } finally {
    await connection.close();
  }
}

/**
 * Starts `temporal server start-dev` as a child process persisting to `dbFilename`, and resolves
 * once it answers gRPC. Refuses ports already in use. The child never outlives this process:
 * it is killed on `stop()`, on a failed start, and (SIGKILL) when this process exits.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const uiPort = options.uiPort === undefined ? 8233 : options.uiPort || null;
  const namespace = options.namespace ?? 'default';
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const address = hostPort(host, port);

  await assertPortFree(host, port, PORT_HINT);
  if (uiPort !== null) await assertPortFree(host, uiPort, PORT_HINT);
  await mkdir(path.dirname(path.resolve(options.dbFilename)), { recursive: true });

  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(port),
    '--db-filename',
    path.resolve(options.dbFilename),
    '--namespace',
    namespace,
    '--log-level',
    'error',
    ...(options.sqlitePragmas ?? SQLITE_PRAGMAS).flatMap((pragma) => ['--sqlite-pragma', pragma]),
    // No internet here, and a server should not phone out anyway.
    ...(uiPort === null ? ['--headless'] : ['--ui-port', String(uiPort), '--ui-disable-news-fetch']),
    ...(options.extraArgs ?? []),
  ];
  const [command, commandArgs] = withParentDeathSignal(options.cliPath, args);
  const child = spawn(command, commandArgs, { detached: false, stdio: ['ignore', 'pipe', 'pipe'] });

  const lastLines: string[] = [];
  const onLine = (line: string) => {
    if (line === '') return;
    lastLines.push(line);
    if (lastLines.length > OUTPUT_LINES_KEPT) lastLines.shift();
    options.log?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (pending + chunk).split(/\r?\n/);
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    stream.on('end', () => onLine(pending));
  }

  const killOnExit = () => {
    if (isRunning(child)) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not be run: ${error.message}`));
    child.once('exit', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  });

  const fail = async (reason: string, cause?: unknown): Promise<never> => {
    process.off('exit', killOnExit);
    await terminate(child);
    const output = lastLines.length > 0 ? `\nIts last output:\n${lastLines.join('\n')}` : '\nIt printed nothing.';
    throw new TemporalDevServerError(
      `The Temporal dev server (${options.cliPath} ${args.join(' ')}) ${reason}.${output}`,
      cause === undefined ? undefined : { cause },
    );
  };

  const deadline = Date.now() + startTimeoutMs;
  let exitReason: string | undefined;
  void exited.then((reason) => {
    exitReason = reason;
  });
  let lastError: unknown;
  for (;;) {
    if (exitReason !== undefined) return fail(`${exitReason} before it was ready`);
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const detail = lastError instanceof Error ? ` (last attempt: ${lastError.message})` : '';
      return fail(`did not answer on ${address} within ${startTimeoutMs} ms${detail}`, lastError);
    }
    const attempt = probe(address, namespace, Math.min(remaining, 2_000)).then(
      () => 'ready' as const,
      (error: unknown) => {
        lastError = error;
        return 'retry' as const;
      },
    );
    const outcome = await Promise.race([attempt, exited.then(() => 'exited' as const)]);
    if (outcome === 'ready') break;
    if (outcome === 'retry') await sleep(100);
  }

  let stopping: Promise<void> | undefined;
  return {
    address,
    uiUrl: uiPort === null ? null : `http://${hostPort(host, uiPort)}`,
    namespace,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        process.off('exit', killOnExit);
        await terminate(child);
      })();
      return stopping;
    },
  };
}

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client, Connection, type WorkflowExecutionInfo } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort, PortInUseError } from '../../infra/process/ports.js';
import { resolveTemporalBinary } from '../../infra/temporal/binaries.js';
import { startDevServer, TemporalDevServerError, type DevServer } from '../../infra/temporal/dev-server.js';

let cliPath: string;
let scratch: string;
const servers: DevServer[] = [];
const connections: Connection[] = [];

/** Alive and not a zombie (a container's PID 1 may never reap an orphan). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const statFile = `/proc/${pid}/stat`;
  if (!existsSync(statFile)) return true;
  const state = readFileSync(statFile, 'utf8').split(') ')[1]?.[0];
  return state !== 'Z' && state !== 'X';
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await findFreePort();
  let second = await findFreePort();
  while (second === first) second = await findFreePort();
  return [first, second];
}

async function start(
  options: Omit<Parameters<typeof startDevServer>[0], 'cliPath'>,
): Promise<{ server: DevServer; ms: number }> {
  const started = Date.now();
  const server = await startDevServer({ cliPath, ...options });
  servers.push(server);
  return { server, ms: Date.now() - started };
}

async function connect(server: DevServer): Promise<Client> {
  const connection = await Connection.connect({ address: server.address });
  connections.push(connection);
  return new Client({ connection, namespace: server.namespace });
}

async function listIds(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const info of client.workflow.list({ query }) as AsyncIterable<WorkflowExecutionInfo>)
    ids.push(info.workflowId);
  return ids;
}

/** Visibility is eventually consistent: poll the listing for a while. */
async function listUntilFound(client: Client, query: string, id: string, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ids = await listIds(client, query);
    if (ids.includes(id) || Date.now() > deadline) return ids;
    await sleep(200);
  }
}

async function script(name: string, body: string): Promise<string> {
  const file = path.join(scratch, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

beforeAll(async () => {
  // Installs into .temporal/ when neither TEMPORAL_CLI_PATH nor PATH provides one.
  cliPath = (await resolveTemporalBinary('cli')).path;
  scratch = await mkdtemp(path.join(os.tmpdir(), 'concerto-dev-server-'));
});

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.close()));
  await Promise.all(servers.map((server) => server.stop()));
  await rm(scratch, { recursive: true, force: true });
});

describe('startDevServer', () => {
  it('keeps a running workflow, its listing and its signals across a restart on the same db file', async () => {
    const [port, uiPort] = await twoFreePorts();
    const dbFilename = path.join(scratch, 'nested', 'folder', 'temporal.db');
    const output: string[] = [];
    const options = { dbFilename, port, uiPort, log: (line: string) => output.push(line) };

    const first = await start(options);
    expect(first.server.address).toBe(`127.0.0.1:${port}`);
    expect(first.server.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
    expect(first.server.namespace).toBe('default');
    expect(existsSync(dbFilename)).toBe(true);
    const ui = await fetch(first.server.uiUrl ?? '');
    expect(ui.status).toBe(200);
    await ui.body?.cancel();

    const workflowId = `persist-${randomUUID()}`;
    const taskQueue = `no-worker-${randomUUID()}`;
    const before = await connect(first.server);
    const handle = await before.workflow.start('nothing', { taskQueue, workflowId });
    const query = `WorkflowId = '${workflowId}'`;
    expect(await listUntilFound(before, query, workflowId)).toEqual([workflowId]);
    const closedId = `closed-${randomUUID()}`;
    await (
      await before.workflow.start('nothing', { taskQueue, workflowId: closedId })
    ).terminate('closed before the restart');
    const closedQuery = `WorkflowId = '${closedId}' AND ExecutionStatus = 'Terminated'`;
    expect(await listUntilFound(before, closedQuery, closedId)).toEqual([closedId]);

    await first.server.stop();
    await first.server.stop();
    expect(isAlive(first.server.pid)).toBe(false);

    const second = await start(options);
    expect(second.server.pid).not.toBe(first.server.pid);
    const after = await connect(second.server);
    const description = await after.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.runId).toBe(handle.firstExecutionRunId);
    expect(description.type).toBe('nothing');
    expect(description.taskQueue).toBe(taskQueue);

    // temporalio/temporal#7919: listings after a restart were reported to miss workflows.
    expect(await listUntilFound(after, query, workflowId)).toEqual([workflowId]);
    expect(
      await listUntilFound(after, `WorkflowType = 'nothing' AND ExecutionStatus = 'Running'`, workflowId),
    ).toContain(workflowId);

    expect(await listUntilFound(after, closedQuery, closedId)).toEqual([closedId]);
    expect((await after.workflow.getHandle(closedId).describe()).status.name).toBe('TERMINATED');

    await after.workflow.getHandle(workflowId).signal('poke', { n: 1 });
    const history = await after.workflow.getHandle(workflowId).fetchHistory();
    const signals = (history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes);
    expect(signals.map((event) => event.workflowExecutionSignaledEventAttributes?.signalName)).toEqual(['poke']);

    console.info(
      `dev server ready in ${first.ms} ms (fresh db), ${second.ms} ` +
        `ms (restart); ${output.length} log lines at warn level`,
    );
  });

  it('keeps what was committed when the server is killed (SIGKILL) and restarted', async () => {
    const port = await findFreePort();
    const options = { dbFilename: path.join(scratch, 'crash.db'), port, uiPort: false as const };
    const first = await start(options);
    const workflowId = `crash-${randomUUID()}`;
    const before = await connect(first.server);
    await before.workflow.start('nothing', { taskQueue: 'nobody', workflowId });
    await before.workflow.getHandle(workflowId).signal('poke');
    process.kill(first.server.pid, 'SIGKILL');
    await first.server.stop();
    expect(isAlive(first.server.pid)).toBe(false);

    const second = await start(options);
    const after = await connect(second.server);
    expect((await after.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    expect(await listUntilFound(after, `WorkflowId = '${workflowId}'`, workflowId)).toEqual([workflowId]);
    const history = await after.workflow.getHandle(workflowId).fetchHistory();
    expect(
      (history.events ?? []).some((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'poke'),
    ).toBe(true);
    await second.server.stop();
  });

  it('runs headless when the UI is disabled', async () => {
    const port = await findFreePort();
    const { server } = await start({
      dbFilename: path.join(scratch, 'headless.db'),
      port,
      uiPort: false,
      namespace: 'concerto-test',
    });
    expect(server.uiUrl).toBeNull();
    expect(server.namespace).toBe('concerto-test');
    const client = await connect(server);
    const handle = await client.workflow.start('nothing', { taskQueue: 'nobody', workflowId: `ns-${randomUUID()}` });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await server.stop();
    expect(isAlive(server.pid)).toBe(false);
  });

  it('refuses a gRPC or UI port already in use, at once, saying what to do', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const free = await findFreePort();
      const started = Date.now();
      const grpc = startDevServer({ cliPath, dbFilename: path.join(scratch, 'taken.db'), port: taken, uiPort: false });
      await expect(grpc).rejects.toBeInstanceOf(PortInUseError);
      await expect(grpc).rejects.toThrow(
        `Port ${taken} on 127.0.0.1 is already in use: stop whatever uses it (perhaps ` +
          `another Concerto or Temporal dev server), or set TEMPORAL_PORT / TEMPORAL_UI_PORT`,
      );
      const ui = startDevServer({ cliPath, dbFilename: path.join(scratch, 'taken.db'), port: free, uiPort: taken });
      await expect(ui).rejects.toThrow(`Port ${taken} on 127.0.0.1 is already in use`);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports the last output of a server that exits before it is ready', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\\n');
    const failing = await script('exits.sh', `printf '${lines}\\n'; echo 'fatal: db locked' >&2; exit 3`);
    const attempt = startDevServer({
      cliPath: failing,
      dbFilename: path.join(scratch, 'exits.db'),
      port: await findFreePort(),
      uiPort: false,
    });
    await expect(attempt).rejects.toBeInstanceOf(TemporalDevServerError);
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('exited with code 3 before it was ready');
    expect(error.message).toContain('fatal: db locked');
    expect(error.message).toContain('line 30');
    expect(error.message).not.toContain('line 5\n');
  });

  it('kills a server that does not answer within startTimeoutMs', async () => {
    const pidFile = path.join(scratch, 'hangs.pid');
    const hanging = await script('hangs.sh', `echo $$ > '${pidFile}'; echo 'starting forever'; exec sleep 60`);
    const started = Date.now();
    const attempt = startDevServer({
      cliPath: hanging,
      dbFilename: path.join(scratch, 'hangs.db'),
      port: await findFreePort(),
      uiPort: false,
      startTimeoutMs: 1_000,
    });
    await expect(attempt).rejects.toThrow(/did not answer on 127\.0\.0\.1:\d+ within 1000 ms[\s\S]*starting forever/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(isAlive(Number(await readFile(pidFile, 'utf8')))).toBe(false);
  });

  it('kills the server when the parent process exits without stopping it', async () => {
    const port = await findFreePort();
    const child = path.join(scratch, 'parent.mts');
    await writeFile(
      child,
      [
        `import { startDevServer } from ` +
          `${JSON.stringify(path.resolve(import.meta.dirname, '../../infra/temporal/dev-server.ts'))};`,
        `const server = await ` +
          `startDevServer(` +
          `${JSON.stringify({ cliPath, dbFilename: path.join(scratch, 'orphan.db'), port, uiPort: false })});`,
        'console.log(server.pid);',
        'process.exit(0);',
      ].join('\n'),
    );
    const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(tsx, [child], { timeout: 30_000 });
    const pid = Number(stdout.trim());
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 2_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(50);
    expect(isAlive(pid)).toBe(false);
  });
});

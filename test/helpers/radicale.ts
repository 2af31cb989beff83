import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { findFreePort } from '../../infra/process/ports.js';
import { installRadicale, radicaleLibDir } from '../../scripts/install-radicale.js';

/** A real Radicale (CalDAV) on loopback, its accounts checked against a plain htpasswd file. */
export interface RunningRadicale {
  /** e.g. http://127.0.0.1:5232 */
  url: string;
  port: number;
  /** Makes the calendar collection `name` of `user` (MKCALENDAR) and gives its URL. */
  makeCalendar(user: string, password: string, name?: string): Promise<string>;
  /** Stops the server (its port then refuses connections); the stored calendars stay for `start`. */
  stop(): Promise<void>;
  /** Starts it again on the same port, over the same storage. */
  start(): Promise<void>;
  /** Stops it and removes its storage. */
  close(): Promise<void>;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Starts Radicale (installed by postinstall into .radicale/lib) with the `users` (name → password). */
export async function startRadicale(users: Record<string, string>): Promise<RunningRadicale> {
  await installRadicale();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-radicale-'));
  const htpasswd = path.join(dir, 'users');
  await writeFile(
    htpasswd,
    Object.entries(users)
      .map(([user, password]) => `${user}:${password}\n`)
      .join(''),
  );
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  async function start(): Promise<void> {
    output = '';
    const started = spawn(
      'python3',
      [
        '-m',
        'radicale',
        '--config',
        '',
        `--storage-filesystem-folder=${path.join(dir, 'collections')}`,
        `--server-hosts=127.0.0.1:${port}`,
        '--auth-type=htpasswd',
        `--auth-htpasswd-filename=${htpasswd}`,
        '--auth-htpasswd-encryption=plain',
        // No delay after a wrong password: the tests try one on purpose.
        '--auth-delay=0',
      ],
      { env: { ...process.env, PYTHONPATH: radicaleLibDir() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let waited = 0; ; waited += 100) {
      if (started.exitCode !== null) throw new Error(`Radicale exited (${started.exitCode}):\n${output}`);
      const answer = await fetch(`${url}/`, { method: 'OPTIONS' }).catch(() => null);
      if (answer) return;
      if (waited > 15_000) throw new Error(`Radicale did not answer on ${url} within 15 s:\n${output}`);
      await delay(100);
    }
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    url,
    port,
    async makeCalendar(user, password, name = 'concerto') {
      const collection = `${url}/${user}/${name}/`;
      const made = await fetch(collection, { method: 'MKCALENDAR', headers: { authorization: basic(user, password) } });
      if (made.status !== 201) throw new Error(`MKCALENDAR ${collection}: ${made.status} ${await made.text()}`);
      return collection;
    },
    stop,
    start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

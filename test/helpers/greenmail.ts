import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../../infra/process/ports.js';
import { installGreenMail } from '../../scripts/greenmail.js';

/** A GreenMail server (SMTP and IMAP on loopback, one mailbox), started by a test file. */
export interface GreenMail {
  host: string;
  smtpPort: number;
  imapPort: number;
  /** The one mailbox: its address, IMAP login and password. */
  address: string;
  user: string;
  password: string;
  /** `imap://user:password@127.0.0.1:port`, as IMAP_URL. */
  imapUrl: string;
  /** Kills the server (every connection cut, the mailbox lost: GreenMail keeps it in memory). */
  kill(): Promise<void>;
  /** Starts it again on the same ports, with an empty mailbox. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;

/**
 * Starts GreenMail from the jar `npm ci` put in .greenmail/ (scripts/greenmail.ts; fetched now if
 * missing) on the machine's Java, on two free ports, with one user whose login is its local part.
 */
export async function startGreenMail(address = 'concerto@example.org', password = 'secret'): Promise<GreenMail> {
  const jar = await installGreenMail();
  const [smtpPort, imapPort] = [await findFreePort(HOST), await findFreePort(HOST)];
  const user = address.split('@')[0]!;
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    output = '';
    const started = spawn(
      'java',
      [
        `-Dgreenmail.smtp.port=${smtpPort}`,
        `-Dgreenmail.imap.port=${imapPort}`,
        `-Dgreenmail.hostname=${HOST}`,
        `-Dgreenmail.users=${user}:${password}@${address.split('@')[1]}`,
        '-jar',
        jar,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(imapPort)) || !(await accepts(smtpPort))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        started.kill('SIGKILL');
        throw new Error(`GreenMail did not start (java -jar ${jar}):\n${output.slice(-2000)}`);
      }
      await sleep(100);
    }
  };

  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    host: HOST,
    smtpPort,
    imapPort,
    address,
    user,
    password,
    imapUrl: `imap://${user}:${password}@${HOST}:${imapPort}`,
    kill,
    start,
    stop: kill,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CaughtMessage } from '../../infra/smtp-in/mail-catcher.js';
import { CONFIG_VARIABLES } from '../../infra/config.js';
import { findFreePort } from '../../infra/process/ports.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import type { FicheState } from '../../domain/fiche-views.js';

// `npm start` as a person runs it: `node --import tsx app/main.ts` in a process of its own, checked
// only from outside (HTTP, exit code, output, the process table).

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const READY_TIMEOUT_MS = 60_000;
const STOP_LIMIT_MS = 15_000;
/**
 * A failed start must end, not hang. The bound leaves room for what a loaded two-core machine
 * takes: up to ~9 s to load the code, then 5 s for a cluster that does not answer.
 */
const FAILURE_LIMIT_MS = 20_000;
const MAIL_TIMEOUT_MS = 30_000;
/** How far ahead the COTECH meeting starts: the avis is taken at the meeting, once the fiche is on its agenda. */
const MEETING_LEAD_MS = 2_000;

// Members of the demo convention `npm start` loads into an empty database (prisma/seed/*.json).
const cooperator = { email: 'directrice.education@example.org' };
const cotechSecretary = { email: 'assistante.education@example.org' };
type Auth = Record<string, string>;
/** The admin API token `npm start` wrote for the local CLI, once the first start is up. */
let admin: Auth = {};

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From spawn to exit. */
  ms: number;
}

/** A spawned `npm start`, leader of its own process group (pgid = its pid). */
interface AppProcess {
  child: ChildProcess;
  pgid: number;
  startedAt: number;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  exit: Exit | null;
  exited: Promise<Exit>;
}

const apps = new Set<AppProcess>();
let scratch: string;

/** The inherited environment without any Concerto variable, so the developer's own settings don't leak in. */
function appEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(CONFIG_VARIABLES)) delete env[name];
  return { ...env, TEMPORAL_CLI_PATH: inject('temporalCliPath'), ...overrides };
}

function startApp(overrides: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    cwd: PROJECT_ROOT,
    env: appEnv(overrides),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('Could not spawn node --import tsx app/main.ts');
  const app: AppProcess = {
    child,
    pgid: child.pid,
    startedAt: Date.now(),
    stderr: '',
    output: '',
    exit: null,
    exited: new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        app.exit = { code, signal, ms: Date.now() - app.startedAt };
        resolve(app.exit);
      });
    }),
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    app.output += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    app.stderr += chunk;
    app.output += chunk;
  });
  apps.add(app);
  return app;
}

function describeOutput(app: AppProcess): string {
  return app.output.trim() ? `Its output:\n${app.output.trimEnd()}` : 'It printed nothing.';
}

/** Waits until the output matches; fails showing the output on timeout or if the process exits first. */
async function waitForOutput(app: AppProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = app.output.match(pattern);
    if (match) return match;
    if (app.exit) {
      throw new Error(
        `npm start exited (code ${app.exit.code}, signal ${app.exit.signal}) ` +
          `before printing ${pattern}. ${describeOutput(app)}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`npm start did not print ${pattern} within ${timeoutMs} ms. ${describeOutput(app)}`);
    await sleep(100);
  }
}

async function waitForExit(app: AppProcess, timeoutMs: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`npm start still running after ${timeoutMs} ms. ${describeOutput(app)}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([app.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface ProcInfo {
  pid: number;
  pgrp: number;
  cmdline: string;
}

/** Live processes (zombies excluded: a container's PID 1 may never reap an orphan). */
function processes(): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ pid: Number(entry), pgrp: Number(pgrp), cmdline });
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

function groupMembers(app: AppProcess): ProcInfo[] {
  return processes().filter((proc) => proc.pgrp === app.pgid);
}

function isAlive(pid: number): boolean {
  return processes().some((proc) => proc.pid === pid);
}

/** The Temporal dev server persisting to this data folder, if one runs. */
function devServersOf(dataDir: string): ProcInfo[] {
  const dbFilename = path.join(dataDir, 'temporal', 'temporal.db');
  return processes().filter((proc) => proc.cmdline.includes('start-dev') && proc.cmdline.includes(dbFilename));
}

async function killGroup(app: AppProcess): Promise<void> {
  if (groupMembers(app).length === 0 && app.exit) return;
  try {
    process.kill(-app.pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  await Promise.race([app.exited, sleep(5_000)]);
}

async function killAll(): Promise<void> {
  for (const app of apps) await killGroup(app);
  apps.clear();
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

async function embeddedEnv(dataDir: string) {
  const [port, temporalPort, uiPort, smtpPort, imipPort] = (await distinctFreePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    ports: { port, temporalPort, uiPort, smtpPort, imipPort },
    env: {
      PORT: String(port),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      CONCERTO_SMTP_PORT: String(smtpPort),
      CONCERTO_IMIP_PORT: String(imipPort),
      CONCERTO_DATA_DIR: dataDir,
    },
  };
}

async function api<T>(
  base: string,
  auth: Auth,
  method: 'GET' | 'POST' | 'PUT',
  route: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function cliToken(dataDir: string): Promise<Auth> {
  const file = path.join(dataDir, 'cli-token');
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  return { authorization: `Bearer ${(await readFile(file, 'utf8')).trim()}` };
}

/**
 * Signs in as a browser does: asks for a link, takes it from the outbox, confirms it; then asks for the session's CSRF
 * token.
 */
async function signInByLink(base: string, email: string): Promise<Auth> {
  const asked = await fetch(`${base}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(asked.status).toBe(202);
  await asked.body?.cancel();
  const mail = await poll(`the sign-in link to ${email}`, MAIL_TIMEOUT_MS, async () =>
    (await outboxFor(base, email)).find((m) => m.subject === 'Votre lien de connexion à Concerto'),
  );
  const raw = await fetch(`${base}/api/outbox/${mail.id}.eml`, { headers: admin });
  const text = (await simpleParser(Buffer.from(await raw.arrayBuffer()))).text ?? '';
  const link = /(http\S+\/auth\/link\/\S+)/.exec(text)![1]!;
  const confirmed = await fetch(`${base}${new URL(link).pathname}`, { method: 'POST', redirect: 'manual' });
  expect(confirmed.status).toBe(303);
  const cookie = confirmed.headers.get('set-cookie')!.split(';')[0]!;
  const session = await api<{ csrfToken: string }>(base, { cookie }, 'GET', '/auth/session');
  expect(session.status).toBe(200);
  return { cookie, 'x-csrf-token': session.body.csrfToken };
}

async function outboxFor(base: string, recipient: string): Promise<CaughtMessage[]> {
  const { status, body } = await api<{ messages: CaughtMessage[] }>(base, admin, 'GET', '/api/outbox');
  expect(status).toBe(200);
  return body.messages.filter((message) => message.to.includes(recipient));
}

async function poll<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: nothing within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Starts `npm start` and waits for its ready line; gives back the URL it printed. */
async function startReady(env: Record<string, string>): Promise<{ app: AppProcess; url: string; readyMs: number }> {
  const app = startApp(env);
  const match = await waitForOutput(app, /\[concerto\] ready: (\S+)/, READY_TIMEOUT_MS);
  return { app, url: match[1]!, readyMs: Date.now() - app.startedAt };
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'concerto-npm-start-'));
});

afterAll(async () => {
  await killAll();
  await rm(scratch, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('npm start', () => {
  describe('runs, stops cleanly and starts again on the same data', () => {
    // A person of the convention (an admin may name them author), seated in the conseil communautaire only: the
    // fiche's review mails them as its author, and as nothing else.
    const author = 'conseiller.communautaire@example.org';
    const title = `Fiche npm start ${randomUUID().slice(0, 8)}`;
    let dataDir: string;
    let first: AppProcess;
    let firstUrl: string;
    let temporalPort: number;
    let uiPort: number;
    let ficheId: string;
    let code: string;
    /** The author's mails (submission, avis) and who had been told, before the restart. */
    let authorMails: CaughtMessage[];
    let notified: string[];
    const avisKey = () => `fiche-${ficheId}:step-2:avis-cotech:${author}`;

    beforeAll(() => {
      dataDir = path.join(scratch, 'data');
    });

    afterAll(killAll);

    it(
      'prints a ready line naming the app and the Temporal UI, with health ok on its own dev server',
      { timeout: READY_TIMEOUT_MS + 20_000 },
      async () => {
        const { ports, env } = await embeddedEnv(dataDir);
        ({ temporalPort, uiPort } = ports);
        const started = await startReady(env);
        first = started.app;
        firstUrl = started.url;
        console.info(`npm start: ready in ${started.readyMs} ms (fresh data folder)`);

        expect(firstUrl).toBe(`http://127.0.0.1:${ports.port}`);
        const temporalLine = await waitForOutput(first, /\[concerto\] Temporal: (\S+), Web UI: (\S+)/, 5_000);
        expect(temporalLine[1]).toBe(`127.0.0.1:${temporalPort}`);
        expect(temporalLine[1]).not.toBe(inject('devServerAddress'));
        expect(temporalLine[2]).toBe(`http://127.0.0.1:${uiPort}`);

        const health = await fetch(`${firstUrl}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.text()).toBe('{"temporal":"ok","database":"ok"}');

        const ui = await poll('Temporal UI', 10_000, async () => {
          const response = await fetch(`http://127.0.0.1:${uiPort}/`).catch(() => undefined);
          return response?.ok ? response : undefined;
        });
        expect(ui.headers.get('content-type')).toMatch(/text\/html/);
        await ui.body?.cancel();

        // Its own embedded dev server: a child in its process group, persisting under the data folder.
        const servers = devServersOf(dataDir);
        expect(servers).toHaveLength(1);
        expect(servers[0]!.pgrp).toBe(first.pgid);
        expect(servers[0]!.cmdline).toContain(`--port ${temporalPort}`);
      },
    );

    it(
      'records the COTECH’s avis at its meeting through the API, refusing a wrong role, and mails the author',
      { timeout: 60_000 },
      async () => {
        expect(first?.exit, 'the first start failed').toBeNull();
        admin = await cliToken(dataDir);
        const asCooperator = await signInByLink(firstUrl, cooperator.email);
        const asSecretary = await signInByLink(firstUrl, cotechSecretary.email);
        const created = await api<{ ficheId: string; workflowId: string }>(firstUrl, admin, 'POST', '/api/fiches', {
          title,
          authorEmail: author,
        });
        expect(created.status).toBe(201);
        ficheId = created.body.ficheId;
        expect(created.body.workflowId).toBe(`fiche-${ficheId}`);
        // Actions find the fiche in the store once the workflow has recorded it.
        code = await poll(
          'the fiche’s code',
          15_000,
          async () => (await api<FicheState>(firstUrl, asCooperator, 'GET', `/api/fiches/${ficheId}`)).body.code,
        );

        const submitted = await api<FicheState>(
          firstUrl,
          asCooperator,
          'POST',
          `/api/fiches/${ficheId}/actions/submit`,
          {},
        );
        expect(submitted.status).toBe(200);
        expect(submitted.body.lifecycle.stage).toBe('soumise');
        // The secretary schedules the meeting once the submission is announced (the author's mail is
        // its last). Scheduled while the workflow is still looking for a meeting, the news may be lost
        // (workflows/fiche-lifecycle.ts resets `meetingNews` after putOnNextAgenda returns).
        await poll(
          'the submission mail to the author',
          MAIL_TIMEOUT_MS,
          async () =>
            (await outboxFor(firstUrl, author)).some((m) => m.subject === `Votre fiche ${code} est soumise`) ||
            undefined,
        );

        // The COTECH is convened 7 jours francs ahead; this test's convention sets no delay, through its setup.
        const setup = await api<{ instances: Array<{ slug: string; convocationDelayDays?: number }> }>(
          firstUrl,
          admin,
          'GET',
          `/api/conventions/${DEMO_CONVENTION_SLUG}/setup`,
        );
        expect(setup.status).toBe(200);
        for (const instance of setup.body.instances) if (instance.slug === 'cotech') instance.convocationDelayDays = 0;
        expect((await api(firstUrl, admin, 'PUT', '/api/conventions/setup', setup.body)).status).toBe(200);
        const startsAt = new Date(Date.now() + MEETING_LEAD_MS);
        const meeting = await api<{ meetingId: string }>(firstUrl, asCooperator, 'POST', '/api/meetings', {
          instance: 'cotech',
          title: 'COTECH npm start',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
          // Moments ahead, whatever the day: a weekend or a public holiday is held by an override.
          override: { reason: 'Test : réunion imminente' },
        });
        expect(meeting.status).toBe(201);
        let last: FicheState | undefined;
        const agenda = await poll('the fiche on the COTECH’s agenda', 15_000, async () => {
          last = (await api<FicheState>(firstUrl, asCooperator, 'GET', `/api/fiches/${ficheId}`)).body;
          return last.agenda ?? undefined;
        }).catch((error: unknown) => {
          throw new Error(
            `${(error as Error).message}; the fiche's state: ` +
              `${JSON.stringify({ lifecycle: last?.lifecycle.stage, pending: last?.pending, agenda: last?.agenda })}`,
          );
        });
        expect(agenda).toMatchObject({ instanceKind: 'cotech', meetingId: meeting.body.meetingId });

        const refused = await api<{ error: { code: string; message: string } }>(
          firstUrl,
          asCooperator,
          'POST',
          `/api/fiches/${ficheId}/actions/recordAvis`,
          {
            outcome: 'favorable',
          },
        );
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('ROLE_NOT_ALLOWED');

        await sleep(Math.max(0, startsAt.getTime() - Date.now()) + 200);
        const recorded = await api<FicheState>(
          firstUrl,
          asSecretary,
          'POST',
          `/api/fiches/${ficheId}/actions/recordAvis`,
          {
            outcome: 'favorable',
            comment: 'Cohérent avec la CTG.',
          },
        );
        expect(recorded.status).toBe(200);
        expect(recorded.body.lifecycle.stage).toBe('attente_copil');
        expect(recorded.body.lifecycle.history.map((entry) => entry.action)).toEqual(['submit', 'recordAvis']);

        const avisSubject = `Avis du COTECH sur la fiche ${code} : favorable`;
        const mails = await poll('the avis mail to the author in /api/outbox', MAIL_TIMEOUT_MS, async () => {
          const found = await outboxFor(firstUrl, author);
          return found.some((m) => m.subject === avisSubject) ? found : undefined;
        });
        expect(mails.map((m) => m.subject).sort()).toEqual([avisSubject, `Votre fiche ${code} est soumise`]);
        authorMails = mails;
        const message = mails.find((m) => m.subject === avisSubject)!;
        expect(message.messageId).toMatch(/^<.+@.+>$/);

        const eml = await fetch(`${firstUrl}/api/outbox/${message.id}.eml`, { headers: admin });
        expect(eml.status).toBe(200);
        expect(eml.headers.get('content-type')).toMatch(/^message\/rfc822/);
        const parsed = await simpleParser(Buffer.from(await eml.arrayBuffer()));
        expect(parsed.subject).toBe(message.subject);
        expect(parsed.messageId).toBe(message.messageId);
        expect(parsed.text).toContain(`« ${title} »`);
        expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((to) => to.address) : []).toEqual([author]);

        // The workflow records each notification after its send, the COPIL's last: wait until they
        // are all recorded, so the restart below meets a workflow at rest rather than a send cut off.
        let seen = -1;
        const state = await poll('the avis’s notifications in the fiche state', MAIL_TIMEOUT_MS, async () => {
          const { body } = await api<FicheState>(firstUrl, admin, 'GET', `/api/fiches/${ficheId}`);
          const settled =
            body.notified.some((key) => key.includes(':step-2:transmission-copil:')) && body.notified.length === seen;
          seen = body.notified.length;
          return settled ? body : undefined;
        });
        notified = state.notified;
        expect(notified).toContain(avisKey());
        expect(notified.filter((key) => key.endsWith(`:${author}`))).toEqual([
          `fiche-${ficheId}:step-1:soumission-auteur:${author}`,
          avisKey(),
        ]);
      },
    );

    it(
      'exits with code 0 on SIGTERM, within 15 s, leaving no process behind',
      { timeout: STOP_LIMIT_MS + 10_000 },
      async () => {
        expect(first?.exit, 'the first start failed').toBeNull();
        const [server] = devServersOf(dataDir);
        expect(server, 'the embedded dev server is running').toBeDefined();

        const signalledAt = Date.now();
        first.child.kill('SIGTERM');
        const exit = await waitForExit(first, STOP_LIMIT_MS);
        const stopMs = Date.now() - signalledAt;
        console.info(`npm start: stopped in ${stopMs} ms after SIGTERM`);

        expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
        expect(stopMs).toBeLessThan(STOP_LIMIT_MS);
        expect(first.output).toContain('[concerto] stopped');
        expect(isAlive(server!.pid)).toBe(false);
        expect(devServersOf(dataDir)).toEqual([]);
        expect(groupMembers(first)).toEqual([]);
      },
    );

    it(
      'starts again on the same data folder: the fiche, its workflow and the outbox are still there',
      { timeout: READY_TIMEOUT_MS + 40_000 },
      async () => {
        expect(ficheId, 'the fiche was not created').toBeDefined();
        // Other ports on purpose: what survives lives in the data folder, not in a port.
        const { env } = await embeddedEnv(dataDir);
        const { app, url, readyMs } = await startReady(env);
        console.info(`npm start: ready in ${readyMs} ms (restart on existing data)`);

        const health = await fetch(`${url}/healthz`);
        expect(health.status).toBe(200);
        await health.body?.cancel();

        // The CLI's token is kept across restarts, not replaced.
        expect(await cliToken(dataDir)).toEqual(admin);
        const fiche = await api<FicheState>(url, admin, 'GET', `/api/fiches/${ficheId}`);
        expect(fiche.status).toBe(200);
        expect(fiche.body).toMatchObject({ ficheId, code, title, lifecycle: { stage: 'attente_copil' } });
        expect(fiche.body.lifecycle.history.map((entry) => [entry.action, entry.outcome])).toEqual([
          ['submit', undefined],
          ['recordAvis', 'favorable'],
        ]);
        expect(fiche.body.notified).toEqual(expect.arrayContaining(notified));
        expect(fiche.body.notified.filter((key) => key.endsWith(`:${author}`))).toEqual([
          `fiche-${ficheId}:step-1:soumission-auteur:${author}`,
          avisKey(),
        ]);

        expect(await outboxFor(url, author)).toEqual(authorMails);

        const second = await api<{ ficheId: string }>(url, admin, 'POST', '/api/fiches', {
          title: `${title} (bis)`,
          authorEmail: author,
        });
        expect(second.status).toBe(201);
        expect(second.body.ficheId).not.toBe(ficheId);
        const secondState = await api<FicheState>(url, admin, 'GET', `/api/fiches/${second.body.ficheId}`);
        expect(secondState.status).toBe(200);
        expect(secondState.body.lifecycle.stage).toBe('brouillon');

        // Ctrl-C in a terminal signals the whole foreground group, the dev server included.
        const signalledAt = Date.now();
        process.kill(-app.pgid, 'SIGINT');
        const exit = await waitForExit(app, STOP_LIMIT_MS);
        console.info(`npm start: stopped in ${Date.now() - signalledAt} ms after SIGINT to its group`);
        expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
        expect(groupMembers(app)).toEqual([]);
        expect(devServersOf(dataDir)).toEqual([]);
      },
    );
  });

  it('stops what it started when SIGTERM comes during startup', { timeout: READY_TIMEOUT_MS + 20_000 }, async () => {
    const dataDir = path.join(scratch, 'stopped-while-starting');
    const { env } = await embeddedEnv(dataDir);
    const app = startApp(env);
    try {
      await waitForOutput(app, /starting the Temporal dev server/, READY_TIMEOUT_MS);
      await sleep(500);
      expect(app.output).not.toContain('[concerto] ready');
      const signalledAt = Date.now();
      app.child.kill('SIGTERM');
      const exit = await waitForExit(app, STOP_LIMIT_MS + 1_000);
      console.info(`npm start: stopped in ${Date.now() - signalledAt} ms after SIGTERM during startup`);
      expect({ code: exit.code, signal: exit.signal }, describeOutput(app)).toEqual({ code: 0, signal: null });
      expect(app.output).toContain('[concerto] SIGTERM: stopping');
      expect(app.output).not.toContain('[concerto] ready');
      expect(devServersOf(dataDir)).toEqual([]);
      expect(groupMembers(app)).toEqual([]);
    } finally {
      await killGroup(app);
    }
  });

  it(
    'takes its Temporal dev server down with it even when killed outright (SIGKILL)',
    { timeout: READY_TIMEOUT_MS + 30_000 },
    async () => {
      const dataDir = path.join(scratch, 'killed');
      const { env } = await embeddedEnv(dataDir);
      const { app } = await startReady(env);
      try {
        const [server] = devServersOf(dataDir);
        expect(server).toBeDefined();
        app.child.kill('SIGKILL');
        await waitForExit(app, STOP_LIMIT_MS);
        // No exit hook runs on SIGKILL: the kernel's parent-death signal is what stops the server.
        await poll('the orphaned dev server to stop', STOP_LIMIT_MS, async () =>
          isAlive(server!.pid) ? undefined : true,
        );
        expect(devServersOf(dataDir)).toEqual([]);
      } finally {
        await killGroup(app);
      }
    },
  );

  describe('fails fast, naming what to fix, and leaves nothing behind', () => {
    afterEach(killAll);

    /** Runs `npm start` expecting a non-zero exit within FAILURE_LIMIT_MS (never a hang); gives back its output. */
    async function expectStartupFailure(env: Record<string, string>): Promise<AppProcess> {
      const app = startApp(env);
      const exit = await waitForExit(app, FAILURE_LIMIT_MS + 2_000);
      console.info(`npm start: failed in ${exit.ms} ms (${env.CONCERTO_DATA_DIR})`);
      expect(exit.signal, describeOutput(app)).toBeNull();
      expect(exit.code, describeOutput(app)).not.toBe(0);
      expect(exit.ms, describeOutput(app)).toBeLessThan(FAILURE_LIMIT_MS);
      expect(app.output).not.toContain('[concerto] ready');
      expect(app.stderr).toMatch(/\[concerto\] cannot start: /);
      expect(groupMembers(app)).toEqual([]);
      return app;
    }

    it('PORT already in use', { timeout: FAILURE_LIMIT_MS + 10_000 }, async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const taken = (blocker.address() as net.AddressInfo).port;
      try {
        const dataDir = path.join(scratch, 'port-in-use');
        const { env } = await embeddedEnv(dataDir);
        const app = await expectStartupFailure({ ...env, PORT: String(taken) });
        expect(app.stderr).toMatch(new RegExp(`Port ${taken}\\b`));
        expect(app.stderr).toMatch(/\bPORT\b/);
        expect(devServersOf(dataDir)).toEqual([]);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });

    it(
      'a data folder that cannot be created (CONCERTO_DATA_DIR inside a regular file)',
      { timeout: FAILURE_LIMIT_MS + 10_000 },
      async () => {
        // Permission bits mean nothing to root; a path through a regular file fails for everyone.
        const file = path.join(scratch, 'not-a-folder');
        await writeFile(file, 'a regular file\n');
        const dataDir = path.join(file, 'data');
        const { env } = await embeddedEnv(dataDir);
        const app = await expectStartupFailure(env);
        expect(app.stderr).toContain('CONCERTO_DATA_DIR');
        expect(app.stderr).toContain(dataDir);
      },
    );

    it(
      'TEMPORAL_ADDRESS where nothing listens, without starting a local server',
      { timeout: FAILURE_LIMIT_MS + 10_000 },
      async () => {
        const dataDir = path.join(scratch, 'cluster-down');
        const { env } = await embeddedEnv(dataDir);
        const address = `127.0.0.1:${await findFreePort()}`;
        const app = await expectStartupFailure({ ...env, TEMPORAL_ADDRESS: address });
        expect(app.stderr).toContain('TEMPORAL_ADDRESS');
        expect(app.stderr).toContain(address);
        expect(app.output).not.toContain('starting the Temporal dev server');
        expect(existsSync(path.join(dataDir, 'temporal'))).toBe(false);
        expect(devServersOf(dataDir)).toEqual([]);
      },
    );

    it('an invalid PORT', { timeout: FAILURE_LIMIT_MS + 10_000 }, async () => {
      const dataDir = path.join(scratch, 'bad-port');
      const { env } = await embeddedEnv(dataDir);
      const app = await expectStartupFailure({ ...env, PORT: 'abc' });
      expect(app.stderr).toMatch(/\bPORT\b.*"abc"/);
      expect(existsSync(dataDir)).toBe(false);
    });
  });
});

import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exit-codes.js';
import { checkImap } from '../../infra/doctor/imap-check.js';
import { checkMailSetup, type MailSetup } from '../../infra/doctor/mail-setup.js';
import { imapFromSettings, type ImapSettings } from '../../infra/imap-in/imap-settings.js';
import { findFreePort } from '../../infra/process/ports.js';
import { buildHttpApp } from '../../server/app.js';
import { createApiToken } from '../../store/access/api-tokens.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { openTestDatabase } from '../helpers/database.js';
import { startGreenMail, type GreenMail } from '../helpers/greenmail.js';

// `concerto doctor` end to end: the real command, as a process, asks the app's GET /api/admin/doctor,
// which checks a real SMTP server on loopback (STARTTLS offered) and a real IMAP server (GreenMail).

const BIN = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'concerto.js');

function concerto(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

describe('concerto doctor', () => {
  const smtp = new SMTPServer({ logger: false, authOptional: true });
  let greenmail: GreenMail;
  let imap: ImapSettings;
  let db: Database;
  let app: FastifyInstance;
  let connection: Connection;
  let env: Record<string, string>;
  // What the app checks: each test sets it, as the deployment's variables would.
  let setup: MailSetup = {};
  let temporalUp = true;

  beforeAll(async () => {
    const [started, opened] = await Promise.all([startGreenMail(), openTestDatabase('pglite')]);
    [greenmail, db] = [started, opened];
    imap = imapFromSettings({ IMAP_URL: greenmail.imapUrl }).imap!;
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    // A client that never connects: the doctor's Temporal probe is the test's own.
    connection = Connection.lazy({ address: `127.0.0.1:${await findFreePort()}` });
    app = buildHttpApp({
      client: new Client({ connection }),
      store: createStore(db.prisma),
      taskQueue: 'doctor',
      probes: {
        temporal: async () => {
          if (!temporalUp) throw new Error('connexion refusée');
        },
        database: () => db.ping(),
      },
      checkMail: () => checkMailSetup(setup),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const admin = await db.prisma.person.create({
      data: { email: 'admin@example.org', displayName: 'A', admin: true },
    });
    const { token } = await createApiToken(db.prisma, { personId: admin.id, label: 'test' });
    env = {
      CONCERTO_URL: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
      CONCERTO_TOKEN: token,
    };
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await greenmail?.stop();
    await db?.close();
  });

  it('passes on a configuration that works, and says what it did not check', async () => {
    const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
    setup = { smtpUrl, imap };
    const run = await concerto(['doctor'], env);
    expect(run.code).toBe(EXIT.ok);
    const lines = run.stdout.split('\n');
    expect(lines.find((line) => line.startsWith('Temporal'))).toMatch(/\bok\b.*répond\./);
    expect(lines.find((line) => line.startsWith('Base de données'))).toMatch(/\bok\b/);
    expect(lines.find((line) => line.startsWith('SMTP'))).toMatch(/\bok\b.*répond à EHLO/);
    expect(lines.find((line) => line.startsWith('TLS'))).toMatch(/propose STARTTLS/);
    expect(lines.find((line) => line.startsWith('DKIM'))).toMatch(/non vérifié.*DKIM_DOMAIN/);
    expect(lines.find((line) => line.startsWith('IMAP'))).toMatch(/\bok\b.*concerto sur 127\.0\.0\.1.*« INBOX »/);
    expect(run.stdout).toContain('Aucun contrôle n’a échoué.');
  });

  it('exits 6 naming each failure: Temporal down, a refused IMAP password, no such folder', async () => {
    temporalUp = false;
    setup = { imap: { ...imap, password: 'wrong' } };
    const run = await concerto(['doctor', '--json'], env);
    temporalUp = true;
    expect(run.code).toBe(EXIT.checkFailed);
    const answer = JSON.parse(run.stdout) as { ok: boolean; checks: Array<{ name: string; outcome: string }> };
    expect(answer.ok).toBe(false);
    expect(answer.checks).toEqual([
      { name: 'Temporal', outcome: 'failed', reason: 'ne répond pas (connexion refusée).' },
      { name: 'Base de données', outcome: 'ok', reason: 'répond.' },
      expect.objectContaining({ name: 'SMTP', outcome: 'not_checked' }),
      expect.objectContaining({ name: 'DKIM', outcome: 'not_checked' }),
      {
        name: 'IMAP',
        outcome: 'failed',
        reason:
          'connexion de concerto sur 127.0.0.1:' +
          imap.port +
          ' refusée : identifiant ou mot de passe ' +
          '(IMAP_USER, IMAP_PASSWORD).',
      },
    ]);
    expect(await checkImap({ ...imap, mailbox: 'Absent' })).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('le dossier « Absent » n’existe pas'),
    });
    expect(await checkImap({ ...imap, port: await findFreePort() })).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('ne répond pas en IMAP (ECONNREFUSED)'),
    });
  });

  it('is for admins: a person without the right is refused (exit 3)', async () => {
    const person = await db.prisma.person.create({ data: { email: 'membre@example.org', displayName: 'M' } });
    const { token } = await createApiToken(db.prisma, { personId: person.id, label: 'test' });
    const run = await concerto(['doctor'], { ...env, CONCERTO_TOKEN: token });
    expect(run.code).toBe(EXIT.access);
  });
});

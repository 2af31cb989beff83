import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { buildHttpApp, type HttpAppDependencies } from '../../server/app.js';
import { createRsvpSignaller } from '../../client/signal-rsvp.js';
import type { Database } from '../../store/database/open-database.js';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { loadDemo } from '../../store/conventions/load-demo.js';
import { openTestDatabase } from './database.js';
import { devServerEnv, TEST_LINKS } from './temporal.js';
import { startTestWorker, type TestWorker } from './test-worker.js';
import { eventually } from './time-skipping.js';
import { createStore } from '../../store/index.js';
import { createSession } from '../../store/access/sessions.js';
import { SESSION_COOKIE } from '../../server/plugins/auth.js';

/** The whole app on a real port for a browser: the demo convention, a worker, mail to a catcher. */
export interface BrowserApp {
  env: TestWorkflowEnvironment;
  db: Database;
  stack: TestWorker;
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Signs `email` in through the pages (the sign-in form, the link from the mail); ends on the dashboard. */
  signIn(page: Page, email: string): Promise<void>;
  /** The address after `label : ` in the text of the first caught mail to `to` whose subject starts so, on this app. */
  linkFromMail(subjectStart: string, to: string, label: string): Promise<string>;
  /** Signs the page's browser context in as `email`, by a session (the sign-in by link has its own tests). */
  openSession(page: Page, email: string): Promise<void>;
  /** Terminates the workflows a test started (the dev server outlives the file). */
  terminate(workflowIds: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the app as `npm start` wires it (links signed with the test secret, sign-in mails and the
 * worker's mails to the same catcher, answers signalled to the workflows) on the run's dev server
 * and a fresh PostgreSQL database with the demo convention.
 */
export async function startBrowserApp(
  name: string,
  options: Pick<HttpAppDependencies, 'temporalUiUrl' | 'feeds'> = {},
): Promise<BrowserApp> {
  const [env, db] = await Promise.all([devServerEnv(), openTestDatabase('postgres')]);
  const stack = await startTestWorker(env, db, name);
  await loadDemo(db.prisma);
  const mailer = createMailTransport({ kind: 'catcher', host: stack.catcher.host, port: stack.catcher.port });
  const app = buildHttpApp({
    client: env.client,
    store: createStore(db.prisma),
    taskQueue: stack.taskQueue,
    catcher: stack.catcher,
    probes: { temporal: async () => undefined, database: () => db.ping() },
    rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl, onRsvp: createRsvpSignaller(env.client) },
    signIn: { sendMail: (message) => mailer.sendMail({ from: 'Concerto <concerto@example.org>', ...message }) },
    ...options,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const running: BrowserApp = {
    env,
    db,
    stack,
    app,
    base,
    async signIn(page, email) {
      await page.goto(`${base}/connexion`);
      await page.getByLabel('Adresse électronique').fill(email);
      await page.getByRole('button', { name: 'Recevoir un lien de connexion' }).click();
      await page.goto(await running.linkFromMail('Votre lien de connexion', email, 'Me connecter à Concerto'));
      await page.getByRole('button', { name: 'Me connecter' }).click();
      await page.waitForURL(`${base}/`);
    },
    async linkFromMail(subjectStart, to, label) {
      const message = await eventually(
        async () => (await stack.catcher.list()).find((m) => m.subject.startsWith(subjectStart) && m.to.includes(to)),
        `the mail « ${subjectStart} » to ${to}`,
        60_000,
      );
      const text = (await simpleParser((await stack.catcher.readRaw(message.id))!)).text ?? '';
      const link = new RegExp(`${label} : (\\S+)`).exec(text)?.[1];
      if (!link?.startsWith(`${TEST_LINKS.publicUrl}/`)) throw new Error(`no link « ${label} » in the mail: ${text}`);
      return base + link.slice(TEST_LINKS.publicUrl.length);
    },
    async openSession(page, email) {
      const person = await db.prisma.person.findUniqueOrThrow({ where: { email } });
      const { token } = await createSession(db.prisma, person.id, new Date());
      await page.context().addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
    },
    async terminate(workflowIds) {
      for (const workflowId of workflowIds)
        await env.client.workflow
          .getHandle(workflowId)
          .terminate('fin du test')
          .catch(() => undefined);
    },
    async stop() {
      // The browser is still open: a socket it opened ahead (a preconnect) and never used would
      // hold the close until it times out, so every connection left is cut once no more are taken.
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      mailer.close();
      await stack.stop();
      await db.close();
      await env.teardown();
    },
  };
  return running;
}

/** A page signed in as `email` by a session made directly (the sign-in by link has its own test), 360 px wide. */
export async function signedInPage(
  running: Pick<BrowserApp, 'db' | 'base'>,
  browser: { newPage(): Promise<Page> },
  email: string,
): Promise<Page> {
  const person = await running.db.prisma.person.findUniqueOrThrow({ where: { email } });
  const { token } = await createSession(running.db.prisma, person.id, new Date());
  const page = await browser.newPage();
  await page.context().addCookies([{ name: SESSION_COOKIE, value: token, url: running.base }]);
  await page.setViewportSize({ width: 360, height: 800 });
  return page;
}

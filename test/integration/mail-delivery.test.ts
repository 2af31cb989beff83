import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createBounceRecorder,
  createMailActivities,
  type NoticeResult,
  type NotificationInput,
  type NotificationResult,
} from '../../activities/mail.js';
import { startImipListener, type ImipListener } from '../../infra/smtp-in/imip-listener.js';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { findFreePort } from '../../infra/process/ports.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { openDatabase } from '../../store/database/open-database.js';
import { openTestDatabase } from '../helpers/database.js';
import { deliveryStatusNotification } from '../helpers/dsn.js';
import { createTestDatabase, startTestPostgres, type PostgresServer, type TestDatabase } from '../helpers/postgres.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { createTestConvention } from '../helpers/convention.js';

/** The message's header block, unfolded. */
const headerBlock = (raw: Buffer) =>
  raw
    .toString('utf8')
    .split(/\r?\n\r?\n/)[0]!
    .replace(/\r?\n[ \t]+/g, ' ');

// sendNotification against real SMTP servers on loopback: one address refused for good, a relay
// that defers then accepts, a relay that refuses our login (535), a relay out of reach until the
// last attempt, two attempts racing for one line, and a bounce coming back later as a DSN.

const FROM = 'Concerto <concerto@concerto.test>';
const HOUR = 3_600_000;

/** What a real worker's activity info says on attempt `attempt` of MAIL_ACTIVITY (workflows/activity-options.ts). */
function mailActivityInfo(attempt: number, scheduledAgoMs: number) {
  return {
    attempt,
    scheduledTimestampMs: Date.now() - scheduledAgoMs,
    scheduleToCloseTimeoutMs: 24 * HOUR,
    startToCloseTimeoutMs: 2 * 60_000,
    retryPolicy: { initialInterval: 2000, backoffCoefficient: 2, maximumInterval: 30 * 60_000 },
  };
}

describe('mail delivery per recipient (real SMTP on loopback, PGlite)', () => {
  let db: Database;
  let sink: SmtpSink;
  let transport: Transporter;
  let mail: ReturnType<typeof createMailActivities>;
  const quiet = { logger: new DefaultLogger('ERROR') };
  const send = (input: NotificationInput, info = mailActivityInfo(1, 0)): Promise<NotificationResult> =>
    new MockActivityEnvironment(info, quiet).run(mail.sendNotification, input) as Promise<NotificationResult>;
  const notice = (key: string, to: string): NotificationInput => ({
    idempotencyKey: key,
    to,
    subject: `Essai ${key}`,
    text: 'Bonjour.',
  });
  const line = (key: string) =>
    db.prisma.notification.findUniqueOrThrow({
      where: { idempotencyKey: key },
      include: { history: { orderBy: { attempt: 'asc' } } },
    });

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    sink = await new SmtpSink().start();
    transport = createMailTransport({ kind: 'smtp', url: sink.url });
    mail = createMailActivities({ transport, ledger: createStore(db.prisma).mailLedger, from: FROM });
    await db.prisma.person.createMany({
      data: [
        { email: 'inconnu@example.org', displayName: 'Inconnu' },
        { email: 'claire@example.org', displayName: 'Claire' },
      ],
    });
  });

  afterAll(async () => {
    transport?.close();
    await sink?.stop();
    await db?.close();
  });

  beforeEach(() => {
    sink.accepted.length = 0;
    sink.accept();
  });

  it('a 550 5.1.1 for one address fails that line only, flags the person, and the others get their mail', async () => {
    sink.refuseAddress('inconnu@example.org', 550, '5.1.1 No such user here');
    const results = await Promise.all(
      ['claire@example.org', 'inconnu@example.org', 'autre@example.org'].map((to) => send(notice(`n1:${to}`, to))),
    );
    expect(results.map((r) => r.sent)).toEqual([true, false, true]);
    expect(results[1]!.undelivered).toMatchObject({ reason: 'refused' });
    expect(results[1]!.undelivered!.response).toMatch(/^550 5\.1\.1 No such user here/);
    expect(sink.accepted.flatMap((m) => m.to).sort()).toEqual(['autre@example.org', 'claire@example.org']);

    const refused = await line('n1:inconnu@example.org');
    expect(refused).toMatchObject({ status: 'failed', attempts: 1, claimedBy: null, leaseUntil: null });
    expect(refused.lastResponse).toMatch(/^550 5\.1\.1/);
    const person = await db.prisma.person.findUniqueOrThrow({ where: { email: 'inconnu@example.org' } });
    expect(person.mailRefusedAt).toBeInstanceOf(Date);
    expect(person.mailRefusal).toMatch(/^550 5\.1\.1 No such user here/);
    expect(
      (await db.prisma.person.findUniqueOrThrow({ where: { email: 'claire@example.org' } })).mailRefusedAt,
    ).toBeNull();
  });

  it(
    'a notice to several people is one activity: a refusal fails its line only; ' +
      'a busy mailbox makes it retry, and the retry sends that line alone',
    async () => {
      const to = ['claire@example.org', 'inconnu@example.org', 'occupe@example.org', 'autre@example.org'];
      const request = {
        workflowId: 'batch-wf',
        occasion: 'avenant-1',
        to,
        notice: {
          topic: 'calendar',
          kind: 'milestone-reminder',
          milestone: { title: 'Bilan', startDate: '2027-03-01' },
          daysBefore: 7,
        },
      } as const;
      const sendNotice = (info = mailActivityInfo(1, 0)) =>
        new MockActivityEnvironment(info, quiet).run(mail.sendNotice, request) as Promise<NoticeResult>;
      sink.refuseAddress('inconnu@example.org', 550, '5.1.1 No such user here');
      sink.refuseAddress('occupe@example.org', 450, '4.2.1 Mailbox busy, try later');
      expect(await sendNotice().catch((e: unknown) => e)).toMatchObject({ nonRetryable: false });
      expect(sink.accepted.flatMap((m) => m.to).sort()).toEqual(['autre@example.org', 'claire@example.org']);
      expect(await line('batch-wf:avenant-1:inconnu@example.org')).toMatchObject({ status: 'failed', attempts: 1 });
      expect(await line('batch-wf:avenant-1:occupe@example.org')).toMatchObject({ status: 'retrying', attempts: 1 });

      sink.accept();
      sink.refuseAddress('inconnu@example.org', 550, '5.1.1 No such user here');
      const { lines } = await sendNotice(mailActivityInfo(2, 5000));
      // Only the busy line went out again; the others were found done in the ledger.
      expect(sink.accepted.flatMap((m) => m.to).sort()).toEqual([
        'autre@example.org',
        'claire@example.org',
        'occupe@example.org',
      ]);
      expect(lines.map((l) => [l.to, l.idempotencyKey, l.sent, l.undelivered?.reason])).toEqual([
        ['claire@example.org', 'batch-wf:avenant-1:claire@example.org', false, undefined],
        ['inconnu@example.org', 'batch-wf:avenant-1:inconnu@example.org', false, 'refused'],
        ['occupe@example.org', 'batch-wf:avenant-1:occupe@example.org', true, undefined],
        ['autre@example.org', 'batch-wf:avenant-1:autre@example.org', false, undefined],
      ]);
      for (const address of ['claire@example.org', 'autre@example.org'])
        expect(await line(`batch-wf:avenant-1:${address}`)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(await line('batch-wf:avenant-1:occupe@example.org')).toMatchObject({ status: 'sent', attempts: 2 });
      expect(await line('batch-wf:avenant-1:inconnu@example.org')).toMatchObject({ status: 'failed', attempts: 1 });
    },
  );

  it('a mail the ledger refuses (a NUL byte) is not sent, the activity returns, the others leave', async () => {
    // Sent at once, their ledger lines are claimed together (store/database/group-commit.ts): one refused value
    // must not refuse its neighbours.
    const others = ['claire@example.org', 'autre@example.org', 'inconnu@example.org'];
    const results = await Promise.all([
      ...others.map((to) => send(notice(`n7b:${to}`, to))),
      send({ ...notice('n7:claire@example.org', 'claire@example.org'), subject: 'Essai\u0000' }),
    ]);
    const result = results.pop();
    const rest = results;
    expect(result).toMatchObject({ sent: false, undelivered: { reason: 'refused' } });
    expect(result!.undelivered!.response).toMatch(/^DATA_REFUSED/);
    expect(rest.map((r) => r.sent)).toEqual([true, true, true]);
    expect(sink.accepted.flatMap((m) => m.to).sort()).toEqual([...others].sort());
    for (const to of others) expect(await line(`n7b:${to}`)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a 421 is retried, then the same line is sent once with the same Message-ID and a VERP return path', async () => {
    const key = 'n2:claire@example.org';
    sink.refuse(421, '4.3.2 Service shutting down, try later');
    const error = await send(notice(key, 'claire@example.org')).catch((e: unknown) => e);
    expect(error).toMatchObject({ nonRetryable: false });
    expect(await line(key)).toMatchObject({ status: 'retrying', claimedBy: null });

    sink.accept();
    const result = await send(notice(key, 'claire@example.org'), mailActivityInfo(2, 5000));
    expect(result.sent).toBe(true);
    const row = await line(key);
    expect(row.history.map((h) => h.outcome)).toEqual(['retrying', 'sent']);
    expect(sink.accepted).toHaveLength(1);
    expect(sink.accepted[0]!.messageId).toBe(row.messageId);
    expect(sink.accepted[0]!.from).toBe(`bounces+${row.id}@concerto.test`);
  });

  it('marks every mail Auto-Submitted, and a convention’s mail with its List-Id; an alert has none', async () => {
    const convention = await createTestConvention(db.prisma, 'ctg-liste');
    const workflowId = `convention-${convention.id}`;
    await send({ ...notice(`${workflowId}:n8:claire@example.org`, 'claire@example.org'), workflowId });
    await send(notice('alert:n8:claire@example.org', 'claire@example.org'));
    const [ofConvention, alert] = sink.accepted.map((m) => headerBlock(m.raw));
    expect(ofConvention).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(ofConvention).toMatch(/^List-ID: "CTG de test ctg-liste" <ctg-liste\.concerto\.test>$/m);
    expect(alert).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(alert).not.toMatch(/^List-Id:/im);
    expect(alert).not.toMatch(/^List-Unsubscribe:/im);
  });

  it('a 535 from the relay is retried, not counted against the recipient', async () => {
    const relay = new SMTPServer({
      logger: false,
      closeTimeout: 500,
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth: (_auth, _session, callback) =>
        callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 })),
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()));
    const port = (relay.server.address() as { port: number }).port;
    const refusing = createMailTransport({ kind: 'smtp', url: `smtp://concerto:wrong@127.0.0.1:${port}` });
    const viaRelay = createMailActivities({
      transport: refusing,
      ledger: createStore(db.prisma).mailLedger,
      from: FROM,
    });
    try {
      const key = 'n3:claire@example.org';
      const error = await new MockActivityEnvironment(mailActivityInfo(1, 0), quiet)
        .run(viaRelay.sendNotification, notice(key, 'claire@example.org'))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ nonRetryable: false, type: 'EAUTH' });
      expect(await line(key)).toMatchObject({ status: 'retrying' });
      expect(
        (await db.prisma.person.findUniqueOrThrow({ where: { email: 'claire@example.org' } })).mailRefusedAt,
      ).toBeNull();
    } finally {
      refusing.close();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    }
  });

  it('a relay out of reach until the last attempt gives up with « relais injoignable », without throwing', async () => {
    const closed = await findFreePort();
    const unreachable = createMailTransport({ kind: 'smtp', url: `smtp://127.0.0.1:${closed}` });
    const viaNothing = createMailActivities({
      transport: unreachable,
      ledger: createStore(db.prisma).mailLedger,
      from: FROM,
    });
    const key = 'n4:claire@example.org';
    const run = (info: ReturnType<typeof mailActivityInfo>) =>
      new MockActivityEnvironment(info, quiet).run(viaNothing.sendNotification, notice(key, 'claire@example.org'));
    try {
      // Early on, the failure is thrown for Temporal to retry.
      expect(await run(mailActivityInfo(1, 0)).catch((e: unknown) => e)).toMatchObject({ nonRetryable: false });
      // Near the end of the day the policy allows, the attempt gives up by itself.
      const result = (await run(mailActivityInfo(50, 23.8 * HOUR))) as NotificationResult;
      expect(result).toMatchObject({ sent: false, undelivered: { reason: 'unreachable' } });
      const row = await line(key);
      expect(row.status).toBe('failed');
      expect(row.lastError).toMatch(/^relais injoignable : /);
      expect(row.history.map((h) => h.outcome)).toEqual(['retrying', 'failed']);
      // The address is not at fault: not flagged.
      expect(
        (await db.prisma.person.findUniqueOrThrow({ where: { email: 'claire@example.org' } })).mailRefusedAt,
      ).toBeNull();
    } finally {
      unreachable.close();
    }
  });

  it('two attempts racing for one line send it once: the second finds the lease held and waits', async () => {
    const key = 'n5:claire@example.org';
    sink.hold();
    const first = send(notice(key, 'claire@example.org'));
    await sink.heldArrived;
    const second = await send(notice(key, 'claire@example.org'), mailActivityInfo(2, 1000)).catch((e: unknown) => e);
    expect(second).toMatchObject({ type: 'MAIL_CLAIMED', nonRetryable: false });
    sink.releaseHeld();
    expect(await first).toMatchObject({ sent: true });
    // The retry, once the line is sent, sends nothing.
    expect(await send(notice(key, 'claire@example.org'), mailActivityInfo(3, 5000))).toMatchObject({ sent: false });
    expect(sink.accepted.filter((m) => m.to.includes('claire@example.org'))).toHaveLength(1);
    expect((await line(key)).attempts).toBe(1);
  });

  it('renews the lease of a line whose SMTP exchange outlasts it: another attempt still finds it held', async () => {
    const key = 'lease:claire@example.org';
    const ledger = createStore(db.prisma).mailLedger;
    const slow = createMailActivities({ transport, ledger, from: FROM, heartbeatEveryMs: 50, leaseMs: 1500 });
    const attempt = (n: number) =>
      new MockActivityEnvironment(mailActivityInfo(n, 0), quiet).run(
        slow.sendNotification,
        notice(key, 'claire@example.org'),
      ) as Promise<NotificationResult>;
    sink.hold();
    const first = attempt(1);
    await sink.heldArrived;
    const claimedUntil = (await line(key)).leaseUntil!.getTime();
    // Past the first lease: without its renewals the line would be free for another attempt to send again.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await line(key)).leaseUntil!.getTime()).toBeGreaterThan(Math.max(claimedUntil, Date.now()));
    expect(await attempt(2).catch((e: unknown) => e)).toMatchObject({ type: 'MAIL_CLAIMED' });
    sink.releaseHeld();
    expect(await first).toMatchObject({ sent: true });
    expect(sink.accepted.filter((m) => m.to.includes('claire@example.org'))).toHaveLength(1);
    expect((await line(key)).attempts).toBe(1);
  });

  describe('a bounce arriving later (RFC 3464 DSN to the VERP return path)', () => {
    let listener: ImipListener;
    let sender: Transporter;

    beforeAll(async () => {
      listener = await startImipListener({
        organizers: ['concerto@concerto.test'],
        onReply: async () => {},
        onBounce: createBounceRecorder({ transport, ledger: createStore(db.prisma).mailLedger, from: FROM }),
      });
      sender = nodemailer.createTransport({ host: listener.host, port: listener.port, secure: false, ignoreTLS: true });
    });

    afterAll(async () => {
      sender?.close();
      await listener?.close();
    });

    it('marks the line bounced and flags the address; a delay notice changes nothing', async () => {
      const key = 'n6:inconnu@example.org';
      await db.prisma.person.update({
        where: { email: 'inconnu@example.org' },
        data: { mailRefusedAt: null, mailRefusal: null },
      });
      expect(await send(notice(key, 'inconnu@example.org'))).toMatchObject({ sent: true });
      const sent = await line(key);
      const returnPath = sink.accepted.find((m) => m.to.includes('inconnu@example.org'))!.from;
      expect(returnPath).toBe(`bounces+${sent.id}@concerto.test`);

      const deliver = (raw: string) => sender.sendMail({ envelope: { from: '', to: returnPath }, raw });
      await deliver(
        deliveryStatusNotification({
          returnPath,
          recipient: 'inconnu@example.org',
          action: 'delayed',
          status: '4.4.1',
        }),
      );
      expect((await line(key)).status).toBe('sent');

      await deliver(
        deliveryStatusNotification({ returnPath, recipient: 'inconnu@example.org', action: 'failed', status: '5.1.1' }),
      );
      const bounced = await line(key);
      expect(bounced).toMatchObject({ status: 'bounced' });
      expect(bounced.bouncedAt).toBeInstanceOf(Date);
      expect(bounced.lastResponse).toBe('5.1.1 (smtp; 550 5.1.1 Mailbox does not exist)');
      expect(bounced.history.map((h) => h.outcome)).toEqual(['sent', 'bounced']);
      const person = await db.prisma.person.findUniqueOrThrow({ where: { email: 'inconnu@example.org' } });
      expect(person.mailRefusal).toBe('5.1.1 (smtp; 550 5.1.1 Mailbox does not exist)');

      // An address that is neither the organizer's nor a return path is still refused.
      const stray = await sender
        .sendMail({ envelope: { from: '', to: 'someone@concerto.test' }, raw: 'Subject: x\r\n\r\nx' })
        .catch((e: unknown) => e);
      expect(stray).toMatchObject({ responseCode: 550 });
    });
  });
});

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('a sent line’s ledger write (own PostgreSQL cluster)', () => {
  let server: PostgresServer;
  let created: TestDatabase;
  let db: Database;
  let sink: SmtpSink;
  let transport: Transporter;

  beforeAll(async () => {
    server = await startTestPostgres();
    created = await createTestDatabase(server.adminUrl);
    db = await openDatabase({ kind: 'postgres', url: created.url });
    sink = await new SmtpSink().start();
    transport = createMailTransport({ kind: 'smtp', url: sink.url });
  });

  afterAll(async () => {
    transport?.close();
    await sink?.stop();
    await db?.close();
    await created?.drop();
    await server?.stop();
  });

  it('waits out a database restart between the relay’s 250 and its write: the mail leaves once', async () => {
    const mail = createMailActivities({ transport, ledger: createStore(db.prisma).mailLedger, from: FROM });
    sink.hold();
    const sending = new MockActivityEnvironment(mailActivityInfo(1, 0), {
      logger: new DefaultLogger('ERROR'),
    }).run(mail.sendNotification, {
      idempotencyKey: 'restart:claire@example.org',
      to: 'claire@example.org',
      subject: 'Essai pendant un redémarrage',
      text: 'Bonjour.',
    }) as Promise<NotificationResult>;
    await sink.heldArrived;
    const restarting = server.restart!(2000);
    await new Promise((resolve) => setTimeout(resolve, 700)); // the cluster is down: the 250 goes now
    sink.releaseHeld();
    await restarting;
    expect(await sending).toMatchObject({ sent: true });
    expect(sink.accepted).toHaveLength(1);
    const row = await db.prisma.notification.findUniqueOrThrow({
      where: { idempotencyKey: 'restart:claire@example.org' },
      include: { history: true },
    });
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(row.history.map((h) => h.outcome)).toEqual(['sent']);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDkim, checkSmtp } from '../../infra/doctor/mail-checks.js';
import { findFreePort } from '../../infra/process/ports.js';

// The mail checks of `concerto doctor` against real SMTP servers on loopback (with and without
// STARTTLS) and a generated DKIM key pair.

async function listen(server: SMTPServer): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port)),
  );
}

describe('doctor: SMTP and DKIM checks', () => {
  const plain = new SMTPServer({ disabledCommands: ['STARTTLS', 'AUTH'], logger: false, authOptional: true });
  const withTls = new SMTPServer({ logger: false, authOptional: true });
  let plainPort: number;
  let tlsPort: number;

  beforeAll(async () => {
    plainPort = await listen(plain);
    tlsPort = await listen(withTls);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => plain.close(() => resolve()));
    await new Promise<void>((resolve) => withTls.close(() => resolve()));
  });

  it('a relay offering STARTTLS passes both checks', async () => {
    expect(await checkSmtp(`smtp://127.0.0.1:${tlsPort}`)).toMatchObject([
      { name: 'SMTP', outcome: 'ok' },
      { name: 'TLS', outcome: 'ok', reason: 'le serveur propose STARTTLS.' },
    ]);
  });

  it('a relay without STARTTLS is reachable but fails TLS; none listening fails SMTP', async () => {
    expect(await checkSmtp(`smtp://127.0.0.1:${plainPort}`)).toMatchObject([
      { name: 'SMTP', outcome: 'ok' },
      { name: 'TLS', outcome: 'failed', reason: expect.stringContaining('ne propose pas STARTTLS') },
    ]);
    const closed = await findFreePort();
    expect(await checkSmtp(`smtp://127.0.0.1:${closed}`)).toMatchObject([
      { name: 'SMTP', outcome: 'failed', reason: expect.stringContaining('ECONNREFUSED') },
      { name: 'TLS', outcome: 'not_checked' },
    ]);
    expect(await checkSmtp(undefined)).toMatchObject([{ name: 'SMTP', outcome: 'not_checked' }]);
  });

  it('DKIM: the published key matches, another fails, an unresolvable name is not checked', async () => {
    const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ours = pair();
    const dkim = {
      domainName: 'ctg.example.org',
      keySelector: 'concerto',
      privateKey: ours.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const record = (key: typeof ours.publicKey) => {
      const p = key.export({ type: 'spki', format: 'der' }).toString('base64');
      // As DNS gives a long record: in chunks of at most 255 characters.
      return [`v=DKIM1; k=rsa; p=${p}`.match(/.{1,255}/g)!];
    };
    const asked: string[] = [];
    const published = (key: typeof ours.publicKey) => async (name: string) => {
      asked.push(name);
      return record(key);
    };
    expect(await checkDkim(dkim, published(ours.publicKey))).toMatchObject({ outcome: 'ok' });
    expect(asked).toEqual(['concerto._domainkey.ctg.example.org']);
    expect(await checkDkim(dkim, published(pair().publicKey))).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('n’est pas celle de DKIM_PRIVATE_KEY_FILE'),
    });
    // The real resolver: a .invalid name never resolves (RFC 6761), wherever the test runs.
    expect(await checkDkim({ ...dkim, domainName: 'concerto.invalid' })).toMatchObject({
      outcome: 'not_checked',
      reason: expect.stringContaining('ne se résout pas'),
    });
    expect(await checkDkim(undefined)).toMatchObject({ outcome: 'not_checked' });
  });
});

import { createHash, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailTransport, POOL_OPTIONS, type MailSender } from '../../infra/smtp-out/mail-transport.js';
import { startMailTransportThread } from '../../infra/smtp-out/mail-transport-thread.js';
import { classifySmtpError } from '../../infra/smtp-out/smtp-errors.js';

/** What a test server saw: each session's TLS state and login, and each message. */
interface Seen {
  logins: Array<{ user: string; secure: boolean }>;
  messages: Array<{ raw: Buffer; secure: boolean }>;
}

const servers: SMTPServer[] = [];
const transports: MailSender[] = [];

/** A real SMTP server on loopback; without key and cert, smtp-server uses its own self-signed pair. */
async function startServer(options: SMTPServerOptions): Promise<{ port: number; seen: Seen }> {
  const seen: Seen = { logins: [], messages: [] };
  const server = new SMTPServer({
    logger: false,
    closeTimeout: 1000,
    onAuth: (auth, session, callback) => {
      seen.logins.push({ user: auth.username ?? '', secure: session.secure });
      if (auth.username === 'secretariat' && auth.password === 'p@ss') callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        seen.messages.push({ raw: Buffer.concat(chunks), secure: session.secure });
        callback();
      });
    },
    ...options,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, seen };
}

function transportFor(...args: Parameters<typeof createMailTransport>): Transporter {
  const transport = createMailTransport(...args);
  transports.push(transport);
  return transport;
}

const message = (subject: string) => ({
  from: 'secretariat@ctg.example.org',
  to: 'elue@example.org',
  subject,
  text: `Bonjour, ${subject}.`,
});

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

describe('SMTP_URL transport', () => {
  it('speaks TLS from the start on smtps://, with the credentials of the URL, pooled', async () => {
    const { port, seen } = await startServer({ secure: true });
    const transport = transportFor({
      kind: 'smtp',
      url: `smtps://secretariat:p%40ss@127.0.0.1:${port}?tls.rejectUnauthorized=false`,
    });
    for (const subject of ['un', 'deux', 'trois']) await transport.sendMail(message(subject));
    expect(seen.messages).toHaveLength(3);
    expect(seen.messages.every((m) => m.secure)).toBe(true);
    // Pooled: one connection, one login, for the three messages.
    expect(seen.logins).toEqual([{ user: 'secretariat', secure: true }]);
  });

  it('upgrades smtp:// with STARTTLS before logging in when the URL requires it', async () => {
    const { port, seen } = await startServer({});
    const transport = transportFor({
      kind: 'smtp',
      url: `smtp://secretariat:p%40ss@127.0.0.1:${port}?requireTLS=true&tls.rejectUnauthorized=false`,
    });
    await transport.sendMail(message('STARTTLS'));
    expect(seen.logins).toEqual([{ user: 'secretariat', secure: true }]);
    expect(seen.messages.map((m) => m.secure)).toEqual([true]);
  });

  it('refuses to go on in clear text when STARTTLS is required and not offered', async () => {
    const { port, seen } = await startServer({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    const transport = transportFor({
      kind: 'smtp',
      url: `smtp://secretariat:p%40ss@127.0.0.1:${port}?requireTLS=true`,
    });
    const error = await transport.sendMail(message('en clair')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ETLS' });
    expect(classifySmtpError(error).message).toContain('Use smtps:// for port 465 and smtp:// for 587 in SMTP_URL');
    expect(seen.logins).toEqual([]);
    expect(seen.messages).toEqual([]);
  });

  it('reports wrong credentials (535) as an authentication failure to retry once SMTP_URL is fixed', async () => {
    const { port, seen } = await startServer({ secure: true });
    const transport = transportFor({
      kind: 'smtp',
      url: `smtps://secretariat:wrong@127.0.0.1:${port}?tls.rejectUnauthorized=false`,
    });
    const error = await transport.sendMail(message('refusé')).catch((e: unknown) => e);
    expect(classifySmtpError(error)).toMatchObject({ permanent: false, code: 'EAUTH' });
    expect(seen.messages).toEqual([]);
  });

  it('pools with Concerto’s limits unless the URL says otherwise', () => {
    const options = (url: string) =>
      (transportFor({ kind: 'smtp', url }).transporter as unknown as { options: Record<string, unknown> }).options;
    expect(options('smtp://relay.example.org:587')).toMatchObject(POOL_OPTIONS);
    expect(options('smtp://relay.example.org:587?maxConnections=2&rateLimit=30&rateDelta=60000')).toMatchObject({
      pool: true,
      maxConnections: 2,
      rateLimit: 30,
      rateDelta: 60000,
    });
  });
});

describe('the transport on its own thread', () => {
  function threadFor(...args: Parameters<typeof createMailTransport>): MailSender {
    const transport = startMailTransportThread(...args);
    transports.push(transport);
    return transport;
  }

  /** The same message through the transport in-process and on its thread: what each said, or how each failed. */
  async function bothWays(config: Parameters<typeof createMailTransport>[0], subject: string) {
    const outcome = (sender: MailSender) =>
      sender.sendMail(message(subject)).then(
        (info) => ({ info }),
        (error: unknown) => ({ error, classified: classifySmtpError(error) }),
      );
    return { inProcess: await outcome(transportFor(config)), thread: await outcome(threadFor(config)) };
  }

  it('sends as the transport in-process does, and says what the server answered', async () => {
    const { port, seen } = await startServer({ secure: true });
    const config = { kind: 'smtp', url: `smtps://secretariat:p%40ss@127.0.0.1:${port}?tls.rejectUnauthorized=false` };
    const { thread } = await bothWays(config as Parameters<typeof createMailTransport>[0], 'par le fil');
    expect(thread).toMatchObject({ info: { accepted: ['elue@example.org'], rejected: [] } });
    expect((thread as { info: { response: string } }).info.response).toMatch(/^250 /);
    const [, received] = await Promise.all(seen.messages.map((m) => simpleParser(m.raw)));
    expect(received?.subject).toBe('par le fil');
    expect(received?.text?.trim()).toBe('Bonjour, par le fil.');
  });

  it('fails as in-process: a refused recipient, a wrong login, no STARTTLS, nobody listening', async () => {
    const refusing = await startServer({
      secure: true,
      onRcptTo: (_address, _session, callback) =>
        callback(Object.assign(new Error('5.1.1 User unknown'), { responseCode: 550 })),
    });
    const clear = await startServer({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    const nobody = await startServer({});
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const configs = [
      `smtps://secretariat:p%40ss@127.0.0.1:${refusing.port}?tls.rejectUnauthorized=false`,
      `smtps://secretariat:wrong@127.0.0.1:${refusing.port}?tls.rejectUnauthorized=false`,
      `smtp://secretariat:p%40ss@127.0.0.1:${clear.port}?requireTLS=true`,
      `smtp://127.0.0.1:${nobody.port}`,
    ];
    const classified = [];
    for (const url of configs) {
      const { inProcess, thread } = await bothWays({ kind: 'smtp', url }, 'refusé');
      expect((thread as { error: unknown }).error).toBeInstanceOf(Error);
      expect((thread as { classified: unknown }).classified).toEqual((inProcess as { classified: unknown }).classified);
      classified.push((thread as { classified: { code: string; permanent: boolean } }).classified);
    }
    expect(classified.map(({ code, permanent }) => ({ code, permanent }))).toEqual([
      { code: 'EENVELOPE', permanent: true },
      { code: 'EAUTH', permanent: false },
      { code: 'ETLS', permanent: true },
      { code: 'ESOCKET', permanent: false },
    ]);
  });
});

describe('DKIM', () => {
  it('signs every message with the configured key, verifiably', async () => {
    const { port, seen } = await startServer({ disabledCommands: ['STARTTLS', 'AUTH'] });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dkim = {
      domainName: 'ctg.example.org',
      keySelector: 'concerto2026',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    await transportFor({ kind: 'smtp', url: `smtp://127.0.0.1:${port}`, dkim }).sendMail({
      ...message('Convocation signée'),
      text: 'Bonjour,\r\n\r\nL’ordre du jour est joint.  \r\n\r\n\r\n',
    });
    await transportFor({ kind: 'catcher', host: '127.0.0.1', port, dkim }).sendMail(message('Par le catcher'));

    expect(seen.messages).toHaveLength(2);
    for (const { raw } of seen.messages) {
      const signature = verifyDkim(raw, publicKey);
      expect(signature).toMatchObject({ d: 'ctg.example.org', s: 'concerto2026', a: 'rsa-sha256' });
    }
    // And a message changed in transit no longer verifies.
    const tampered = Buffer.from(seen.messages[0]!.raw.toString('latin1').replace('joint', 'perdu'), 'latin1');
    expect(() => verifyDkim(tampered, publicKey)).toThrow('body hash');
    expect((await simpleParser(seen.messages[0]!.raw)).subject).toBe('Convocation signée');
  });
});

/**
 * Checks the message's DKIM-Signature (RFC 6376, relaxed/relaxed, rsa-sha256) against the public
 * key, the way a receiving server does; returns its tags, or throws saying what does not match.
 */
function verifyDkim(raw: Buffer, publicKey: KeyObject): Record<string, string> {
  const source = raw.toString('latin1');
  const split = source.indexOf('\r\n\r\n');
  const fields = source.slice(0, split).split(/\r\n(?![ \t])/);
  const body = source.slice(split + 4);
  const signatureField = fields.find((field) => /^dkim-signature:/i.test(field));
  if (!signatureField) throw new Error('no DKIM-Signature');
  const tags = Object.fromEntries(
    signatureField
      .slice(signatureField.indexOf(':') + 1)
      .replace(/\s+/g, '')
      .split(';')
      .filter(Boolean)
      .map((tag) => [tag.slice(0, tag.indexOf('=')), tag.slice(tag.indexOf('=') + 1)]),
  ) as Record<string, string>;
  if (tags.c !== 'relaxed/relaxed') throw new Error(`unexpected canonicalization ${tags.c}`);

  const relaxedBody = body
    .split('\r\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
    .join('\r\n')
    .replace(/(\r\n)*$/, '');
  const bodyHash = createHash('sha256')
    .update(relaxedBody ? `${relaxedBody}\r\n` : '', 'latin1')
    .digest('base64');
  if (bodyHash !== tags.bh) throw new Error('body hash does not match bh=');

  const relaxedField = (field: string) => {
    const colon = field.indexOf(':');
    return `${field.slice(0, colon).trim().toLowerCase()}:${field
      .slice(colon + 1)
      .replace(/\r\n/g, '')
      .replace(/[ \t]+/g, ' ')
      .trim()}`;
  };
  const remaining = [...fields];
  const signed = tags.h!.split(':').map((name) => {
    // Several fields of one name are taken from the bottom up.
    const index = remaining.map((f) => f.slice(0, f.indexOf(':')).trim().toLowerCase()).lastIndexOf(name.toLowerCase());
    return index < 0 ? '' : `${relaxedField(remaining.splice(index, 1)[0]!)}\r\n`;
  });
  const unsignedSelf = relaxedField(signatureField).replace(/b=[^;]*$/, 'b=');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${signed.join('')}${unsignedSelf}`, 'latin1');
  if (!verifier.verify(publicKey, tags.b!, 'base64')) throw new Error('signature does not verify');
  return tags;
}

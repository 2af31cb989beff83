import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { classifySmtpError, SMTP_ERROR_RULES } from '../../infra/smtp-out/smtp-errors.js';

/** An Error shaped like the ones nodemailer hands back. */
function smtpError(
  fields: { code?: string; responseCode?: number; command?: string; originalCode?: string; timeoutType?: string },
  message = 'failed',
) {
  return Object.assign(new Error(message), fields);
}

describe('classifySmtpError', () => {
  it.each([
    // permanent: retrying the same message gets the same answer
    [{ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }, true, 'EENVELOPE'],
    [{ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' }, true, 'EENVELOPE'],
    [{ code: 'EENVELOPE', command: 'API' }, true, 'EENVELOPE'],
    [{ code: 'EMESSAGE', responseCode: 552, command: 'DATA' }, true, 'EMESSAGE'],
    [{ code: 'EMESSAGE', responseCode: 554, command: 'DATA' }, true, 'EMESSAGE'],
    [{ responseCode: 550 }, true, 'SMTP_550'],
    // transient: the network, the server's mood, a 4xx reply, or our account at the relay (fixed by the operator)
    [{ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, false, 'EAUTH'],
    [{ code: 'EAUTH', command: 'API' }, false, 'EAUTH'],
    [{ code: 'ENOAUTH' }, false, 'ENOAUTH'],
    [{ responseCode: 530 }, false, 'SMTP_530'],
    [{ code: 'ECONNECTION', command: 'CONN' }, false, 'ECONNECTION'],
    [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }, false, 'ESOCKET'],
    [{ code: 'ECONNREFUSED' }, false, 'ECONNREFUSED'],
    [{ code: 'ECONNRESET' }, false, 'ECONNRESET'],
    [{ code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT' }, false, 'ETIMEDOUT'],
    [{ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' }, false, 'ETIMEDOUT'],
    [{ code: 'EDNS', command: 'CONN' }, false, 'EDNS'],
    [{ code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO' }, false, 'EENVELOPE'],
    [{ code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO' }, false, 'EENVELOPE'],
    [{ code: 'EAUTH', responseCode: 454, command: 'AUTH PLAIN' }, false, 'EAUTH'],
    [{ code: 'EMESSAGE', responseCode: 451, command: 'DATA' }, false, 'EMESSAGE'],
    [{ code: 'EPROTOCOL', responseCode: 421, command: 'CONN' }, false, 'EPROTOCOL'],
    [{ code: 'EENVELOPE', responseCode: 503, command: 'RCPT TO' }, false, 'EENVELOPE'],
    [{}, false, 'EUNKNOWN'],
  ])('%o → permanent %s', (fields, permanent, code) => {
    const result = classifySmtpError(smtpError(fields));
    expect(result).toMatchObject({ permanent, code });
    expect(result.message).toMatch(/^SMTP /);
  });

  it('says what the operator can do', () => {
    expect(
      classifySmtpError(
        smtpError({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, 'Invalid login: 535 bad credentials'),
      ).message,
    ).toBe(
      'SMTP authentication failed (EAUTH, reply 535, on AUTH PLAIN): Invalid login: 535 ' +
        'bad credentials. Check the user and password in SMTP_URL. The send will be retried.',
    );
    expect(
      classifySmtpError(
        smtpError(
          { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' },
          'connect ECONNREFUSED 127.0.0.1:25',
        ),
      ).message,
    ).toMatch(/^SMTP connection refused \(ESOCKET, ECONNREFUSED, on CONN\).*SMTP_URL.*will be retried/);
    const rejected = Object.assign(smtpError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }), {
      rejected: ['nobody@example.org'],
    });
    expect(classifySmtpError(rejected).message).toContain('refused: nobody@example.org');
  });

  it('copes with things that are not errors', () => {
    expect(classifySmtpError('boom')).toMatchObject({ permanent: false, code: 'EUNKNOWN' });
    expect(classifySmtpError(undefined)).toMatchObject({ permanent: false, code: 'EUNKNOWN' });
  });

  it('knows a fixed list of codes', () => {
    const permanent = Object.entries(SMTP_ERROR_RULES)
      .filter(([, rule]) => rule.permanent)
      .map(([code]) => code);
    expect(permanent).toEqual([
      'EENVELOPE',
      'EMAXRECIPIENTS',
      'EMESSAGE',
      'EREQUIRETLS',
      'ECONFIG',
      'EFILEACCESS',
      'EURLACCESS',
      'EOTP',
      'ERR_ACCESS_DENIED',
    ]);
    expect(Object.keys(SMTP_ERROR_RULES).filter((code) => !permanent.includes(code))).toEqual([
      'EAUTH',
      'ENOAUTH',
      'EOAUTH2',
      'ECONNECTION',
      'ESOCKET',
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'ETIMEDOUT',
      'EDNS',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ETLS',
      'EPROTOCOL',
      'EPROXY',
      'EMAXLIMIT',
      'EABORT',
      'ESTREAM',
      'EFETCH',
    ]);
  });
});

describe('classifySmtpError on real failures', () => {
  const message = { from: 'secretariat@concerto.test', to: 'nobody@example.org', subject: 'Convocation', text: 'x' };

  it('treats a closed port as transient', async () => {
    const port = await freePort();
    const transport = createMailTransport({ kind: 'catcher', host: '127.0.0.1', port });
    try {
      const error = await transport.sendMail(message).catch((err: unknown) => err);
      const result = classifySmtpError(error);
      expect(result.permanent).toBe(false);
      expect(result.message).toMatch(/^SMTP connection refused .*SMTP_URL/);
    } finally {
      transport.close();
    }
  });

  it('treats a recipient refused with 550 as permanent', async () => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      closeTimeout: 1_000,
      onRcptTo: (_address, _session, callback) =>
        callback(Object.assign(new Error('No such user here'), { responseCode: 550 })),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.server.address() as net.AddressInfo;
    const transport = createMailTransport({ kind: 'catcher', host: '127.0.0.1', port: address.port });
    try {
      const error = await transport.sendMail(message).catch((err: unknown) => err);
      expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
      const result = classifySmtpError(error);
      expect(result).toMatchObject({ permanent: true, code: 'EENVELOPE' });
      expect(result.message).toContain('nobody@example.org');
    } finally {
      transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/** A loopback port nobody listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../infra/config.js';

describe('loadConfig', () => {
  it('gives the embedded default with no variables set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      dataDir: path.resolve('data'),
      database: { kind: 'pglite', dir: path.resolve('data', 'pglite') },
      temporal: { mode: 'embedded', namespace: 'default', taskQueue: 'concerto', port: 7233, uiPort: 8233 },
      mail: { catcherPort: 2525, from: 'Concerto <concerto@localhost>' },
    });
    expect(config.mail.smtpUrl).toBeUndefined();
  });

  it('switches to a cluster, PostgreSQL and a relay when told', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'ctg.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ctg.a1b2c',
      TEMPORAL_API_KEY: 'key',
      DATABASE_URL: 'postgres://concerto:pw@db.internal:5432/concerto',
      SMTP_URL: 'smtps://u:p@smtp.example.org:465',
      CONCERTO_DATA_DIR: '/var/lib/concerto',
    });
    expect(config.temporal).toEqual({
      mode: 'cluster',
      address: 'ctg.a1b2c.tmprl.cloud:7233',
      namespace: 'ctg.a1b2c',
      taskQueue: 'concerto',
      tls: {},
      apiKey: 'key',
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://concerto:pw@db.internal:5432/concerto' });
    expect(config.mail.smtpUrl).toBe('smtps://u:p@smtp.example.org:465');
    expect(config.dataDir).toBe('/var/lib/concerto');
  });

  it('takes mTLS files and keeps TLS off for a plain cluster', () => {
    expect(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }).temporal).toMatchObject({ tls: false });
    expect(
      loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS_CERT: '/c.pem', TEMPORAL_TLS_KEY: '/k.pem' })
        .temporal,
    ).toMatchObject({
      tls: { clientCertPath: '/c.pem', clientKeyPath: '/k.pem' },
    });
  });

  it('reports every problem at once, each naming its variable, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        TEMPORAL_ADDRESS: 'http://temporal',
        TEMPORAL_TLS_CERT: '/c.pem',
        DATABASE_URL: 'mysql://root:hunter2@db/concerto',
        SMTP_URL: 'https://user:s3cret@smtp.example.org',
        PUBLIC_URL: 'not a url',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'TEMPORAL_ADDRESS', 'TEMPORAL_TLS_KEY', 'DATABASE_URL', 'SMTP_URL', 'PUBLIC_URL']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('s3cret');
  });

  it('runs the calendar-reply listener on 2526 by default, and takes a link secret of 32 bytes or more', () => {
    const embedded = loadConfig({});
    expect(embedded.imip).toEqual({ listen: true, port: 2526 });
    expect(embedded.links).toEqual({});
    const set = loadConfig({ IMIP_LISTEN: '0', CONCERTO_IMIP_PORT: '2600', LINK_SECRET: ` ${'k'.repeat(32)}\n` });
    expect(set.imip).toEqual({ listen: false, port: 2600 });
    expect(set.links).toEqual({ secret: 'k'.repeat(32) });
  });

  it('refuses a short LINK_SECRET without echoing it, and a wrong IMIP_LISTEN or CONCERTO_IMIP_PORT', () => {
    let error: unknown;
    try {
      loadConfig({ LINK_SECRET: 'hunter2-but-short', IMIP_LISTEN: 'yes', CONCERTO_IMIP_PORT: '99999' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('LINK_SECRET must be at least 32 bytes long, it has 17');
    expect(message).toContain('IMIP_LISTEN must be 1 or 0');
    expect(message).toContain('CONCERTO_IMIP_PORT must be a port number');
    expect(message).not.toContain('hunter2');
  });

  it('reads the reply mailbox from IMAP_URL: TLS by scheme, STARTTLS required but on loopback, folders', () => {
    expect(loadConfig({}).imap).toBeUndefined();
    expect(loadConfig({ IMAP_URL: 'imaps://concerto%40ctg.fr:p%40ss@imap.ctg.fr' }).imap).toEqual({
      host: 'imap.ctg.fr',
      port: 993,
      secure: true,
      requireStartTls: false,
      user: 'concerto@ctg.fr',
      password: 'p@ss',
      mailbox: 'INBOX',
      doneFolder: 'Traitées',
      unreadableFolder: 'Illisibles',
      pollMs: 60_000,
    });
    const plain = { IMAP_USER: 'concerto', IMAP_PASSWORD: 'x y', IMAP_DONE_FOLDER: 'INBOX.Fait' };
    expect(loadConfig({ IMAP_URL: 'imap://imap.ctg.fr', ...plain }).imap).toMatchObject({
      port: 143,
      secure: false,
      requireStartTls: true,
      user: 'concerto',
      password: 'x y',
      doneFolder: 'INBOX.Fait',
    });
    expect(loadConfig({ IMAP_URL: 'imap://u:p@127.0.0.1:3143' }).imap).toMatchObject({ requireStartTls: false });
  });

  it('refuses an IMAP_URL it cannot use, without echoing its password', () => {
    const message = configErrorOf({
      IMAP_URL: 'pop3://concerto:hunter2@mail.ctg.fr',
      IMAP_POLL_SECONDS: '0',
      IMAP_DONE_FOLDER: 'INBOX',
    });
    expect(message).toContain('IMAP_URL must start with imap:// or imaps://');
    expect(message).toContain('IMAP_POLL_SECONDS must be a whole number of seconds from 1 to 3600');
    expect(message).toContain('must be three different folders');
    expect(message).not.toContain('hunter2');
    expect(configErrorOf({ IMAP_URL: 'imaps://imap.ctg.fr' })).toContain('needs a user and a password');
    expect(configErrorOf({ IMAP_PASSWORD: 'secret' })).toContain('IMAP_PASSWORD set without IMAP_URL');
  });

  it('trusts no proxy unless told: a number of hops, or addresses and CIDR ranges', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ CONCERTO_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ CONCERTO_TRUST_PROXY: '10.0.0.0/8, ::1' }).trustProxy).toEqual(['10.0.0.0/8', '::1']);
    expect(configErrorOf({ CONCERTO_TRUST_PROXY: 'proxy.local' })).toContain('CONCERTO_TRUST_PROXY: « proxy.local »');
  });

  it("sizes the worker's sticky cache only when told, in whole workflows", () => {
    expect(loadConfig({}).maxCachedWorkflows).toBeUndefined();
    expect(loadConfig({ TEMPORAL_MAX_CACHED_WORKFLOWS: '500' }).maxCachedWorkflows).toBe(500);
    expect(configErrorOf({ TEMPORAL_MAX_CACHED_WORKFLOWS: '1e3x' })).toContain(
      'TEMPORAL_MAX_CACHED_WORKFLOWS must be a whole number of workflows, got "1e3x"',
    );
    expect(configErrorOf({ TEMPORAL_MAX_CACHED_WORKFLOWS: '-1' })).toContain('TEMPORAL_MAX_CACHED_WORKFLOWS');
  });

  it('takes the workflows bundled beforehand from a file that is there, and says which one is not', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'concerto-bundle-')), 'workflow-bundle.js');
    expect(configErrorOf({ TEMPORAL_WORKFLOW_BUNDLE: file })).toContain(`TEMPORAL_WORKFLOW_BUNDLE: no file at ${file}`);
    writeFileSync(file, '');
    expect(loadConfig({ TEMPORAL_WORKFLOW_BUNDLE: file }).workflowBundlePath).toBe(file);
    expect(loadConfig({}).workflowBundlePath).toBeUndefined();
  });

  it('documents every variable it reads', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('../../infra/config.ts', import.meta.url), 'utf8');
    const read = new Set([...source.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1]));
    read.add('PORT');
    read.add('TEMPORAL_PORT');
    read.add('TEMPORAL_UI_PORT');
    read.add('CONCERTO_SMTP_PORT');
    read.add('CONCERTO_IMIP_PORT');
    for (const name of read) expect(Object.keys(CONFIG_VARIABLES)).toContain(name);
  });
});

/** The message of the ConfigError that `env` raises. */
function configErrorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('mail configuration', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'concerto-config-'));
  const keyFile = (name: string, pem: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, pem);
    return file;
  };
  const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

  it('takes STARTTLS, pool and rate settings from the SMTP_URL query', () => {
    const url =
      'smtp://u:p@smtp.example.org:587?requireTLS=true&rateLimit=30&rateDelta=60000&tls.rejectUnauthorized=false';
    expect(loadConfig({ SMTP_URL: url }).mail.smtpUrl).toBe(url);
  });

  it('refuses SMTP_URL settings nodemailer would misread, naming them without the password', () => {
    for (const [url, words] of [
      ['smtp://u:s3cret@smtp.example.org:587?requireTLS=yes', 'requireTLS=yes, expected true or false'],
      ['smtp://u:s3cret@smtp.example.org:587?rateLimit=fast', 'rateLimit=fast, expected a whole number'],
      ['smtps://u:s3cret@smtp.example.org:465?requireTLS=true', 'asks for STARTTLS (requireTLS) on smtps://'],
    ] as const) {
      const message = configErrorOf({ SMTP_URL: url });
      expect(message).toContain('SMTP_URL');
      expect(message).toContain(words);
      expect(message).not.toContain('s3cret');
    }
  });

  it('signs with DKIM when all three variables are set, the key read at start', () => {
    const config = loadConfig({
      DKIM_DOMAIN: 'ctg.example.org',
      DKIM_SELECTOR: 'concerto2026',
      DKIM_PRIVATE_KEY_FILE: keyFile('dkim.pem', rsaPem),
    });
    expect(config.mail.dkim).toEqual({
      domainName: 'ctg.example.org',
      keySelector: 'concerto2026',
      privateKey: rsaPem,
    });
    expect(loadConfig({}).mail.dkim).toBeUndefined();
  });

  it('wants the three DKIM variables together, and says which are missing', () => {
    const message = configErrorOf({ DKIM_DOMAIN: 'ctg.example.org' });
    expect(message).toContain('DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE go together');
    expect(message).toContain('Missing: DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE.');
    expect(configErrorOf({ DKIM_SELECTOR: 's', DKIM_PRIVATE_KEY_FILE: '/k.pem' })).toContain('Missing: DKIM_DOMAIN.');
  });

  it('names the DKIM variable at fault: domain, selector, unreadable or unsuitable key', () => {
    const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const cases: Array<[NodeJS.ProcessEnv, string]> = [
      [
        {
          DKIM_DOMAIN: 'not a domain',
          DKIM_SELECTOR: 'bad selector',
          DKIM_PRIVATE_KEY_FILE: keyFile('ok.pem', rsaPem),
        },
        'DKIM_DOMAIN must be a domain name',
      ],
      [
        {
          DKIM_DOMAIN: 'ctg.example.org',
          DKIM_SELECTOR: 'bad selector',
          DKIM_PRIVATE_KEY_FILE: keyFile('ok.pem', rsaPem),
        },
        'DKIM_SELECTOR must be a DNS label',
      ],
      [
        { DKIM_DOMAIN: 'ctg.example.org', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: path.join(dir, 'missing.pem') },
        'DKIM_PRIVATE_KEY_FILE cannot be read (ENOENT)',
      ],
      [
        {
          DKIM_DOMAIN: 'ctg.example.org',
          DKIM_SELECTOR: 's1',
          DKIM_PRIVATE_KEY_FILE: keyFile('junk.pem', 'not a key'),
        },
        'DKIM_PRIVATE_KEY_FILE is not a PEM private key',
      ],
      [
        { DKIM_DOMAIN: 'ctg.example.org', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: keyFile('ec.pem', ecPem) },
        'holds an ec key; DKIM signing here needs an RSA key',
      ],
    ];
    for (const [env, words] of cases) expect(configErrorOf(env)).toContain(words);
  });
});

describe('README', () => {
  it('documents every configuration variable', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(CONFIG_VARIABLES)) expect(readme).toContain(`| \`${name}\` |`);
  });
});

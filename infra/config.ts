import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT } from '../domain/local-app.js';
import { databaseTargetFromEnv, type DatabaseTarget } from './database-target.js';
import { dkimFromSettings, smtpUrlError, type DkimOptions } from './smtp-out/mail-transport.js';
import { linkSecretError } from './links/signed-links.js';
import { IMAP_DEFAULTS, imapFromSettings, type ImapSettings } from './imap-in/imap-settings.js';

/** Where Temporal runs: our own dev server beside the app, or a cluster given by address. */
export type TemporalConfig =
  | { mode: 'embedded'; namespace: string; port: number; uiPort: number; taskQueue: string }
  | {
      mode: 'cluster';
      address: string;
      namespace: string;
      taskQueue: string;
      tls: false | { serverRootCaPath?: string; clientCertPath?: string; clientKeyPath?: string; serverName?: string };
      apiKey?: string;
      uiUrl?: string;
    };

export interface ConcertoConfig {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  database: DatabaseTarget;
  temporal: TemporalConfig;
  /** The worker's sticky cache, when set: the workflows it keeps in memory between their tasks. */
  maxCachedWorkflows?: number;
  /** The workflows bundled beforehand, when given; the worker bundles them at start otherwise. */
  workflowBundlePath?: string;
  /** Outgoing mail: a relay, or the embedded catcher on `catcherPort`. */
  mail: { smtpUrl?: string; catcherPort: number; from: string; dkim?: DkimOptions };
  /** Signed links in mail; without a configured secret, one is generated in the data folder. */
  links: { secret?: string };
  /** The listener for calendar replies (iMIP) sent to the organizer's address. */
  imip: { listen: boolean; port: number };
  /** The reply mailbox read over IMAP, when IMAP_URL is set. */
  imap?: ImapSettings;
  /**
   * Linked CalDAV calendars: the secret sealing their app passwords (the links' secret unless set),
   * and how often the answers given in them are read back (seconds, 0 for never).
   */
  caldav: { secret?: string; pollSeconds: number };
  logLevel: LogLevel;
  /** Load the demo convention when the database has none. */
  demo: boolean;
  /** Addresses of the people made admins at start (created if unknown). */
  admins: string[];
  /**
   * Which proxies' X-Forwarded-For to believe, as Fastify's `trustProxy`: false (none), a number of hops, or
   * addresses and CIDR ranges. The sign-in limits per address count by the client's IP this gives.
   */
  trustProxy: boolean | number | string[];
}

export const LOG_LEVELS = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIGURATION';
}

/** Every variable Concerto reads, its default and meaning: the README's table comes from here. */
export const CONFIG_VARIABLES = {
  PORT: [String(DEFAULT_PORT), 'HTTP port of the web pages and API.'],
  HOST: [DEFAULT_HOST, 'Interface the HTTP server listens on (0.0.0.0 to expose it).'],
  PUBLIC_URL: ['http://localhost:$PORT', 'Base URL used in links sent by mail.'],
  CONCERTO_DATA_DIR: ['data/', 'Folder for the embedded database, Temporal dev server and caught mail.'],
  DATABASE_URL: ['(embedded PGlite)', 'postgres://user:password@host:5432/db to use a PostgreSQL server.'],
  TEMPORAL_ADDRESS: [
    '(embedded dev server)',
    'host:port of a Temporal cluster or Temporal Cloud; no local server starts.',
  ],
  TEMPORAL_NAMESPACE: ['default', 'Temporal namespace.'],
  TEMPORAL_TASK_QUEUE: ['concerto', 'Task queue of the workers.'],
  TEMPORAL_MAX_CACHED_WORKFLOWS: [
    '(from the heap)',
    "Workflows a worker keeps in memory between their tasks (its sticky cache); the SDK sizes it from the heap's cap.",
  ],
  TEMPORAL_WORKFLOW_BUNDLE: [
    '(bundled at start)',
    'Path of the workflows bundled beforehand (npm run build:workflows): a worker starts faster and holds less memory.',
  ],
  TEMPORAL_PORT: ['7233', 'gRPC port of the embedded dev server.'],
  TEMPORAL_UI_PORT: ['8233', 'Web UI port of the embedded dev server.'],
  TEMPORAL_UI_URL: ['(none)', 'Web UI of the cluster, for links (cluster mode).'],
  TEMPORAL_TLS: ['false', 'true to use TLS with the system CAs (implied by the variables below).'],
  TEMPORAL_TLS_CA: ['(none)', 'Path of the server root CA (PEM).'],
  TEMPORAL_TLS_CERT: ['(none)', 'Path of the client certificate (PEM), for mTLS.'],
  TEMPORAL_TLS_KEY: ['(none)', 'Path of the client key (PEM), for mTLS.'],
  TEMPORAL_TLS_SERVER_NAME: ['(none)', 'Server name to verify, when it differs from the address.'],
  TEMPORAL_API_KEY: ['(none)', 'API key (Temporal Cloud); implies TLS.'],
  TEMPORAL_CLI_PATH: ['(PATH, then .temporal/)', 'Path of the `temporal` CLI used for the embedded dev server.'],
  TEMPORAL_TEST_SERVER_PATH: ['(PATH, then .temporal/)', 'Path of `temporal-test-server` (tests).'],
  SMTP_URL: [
    '(embedded catcher)',
    'smtp(s)://user:password@host:port of a relay; unset, mail is caught and shown at /api/outbox. Query options: ' +
      '?requireTLS=true (no sending without STARTTLS), ?maxConnections=5, ?rateLimit=50&rateDelta=1000 (messages per ' +
      'ms window; 0 for none).',
  ],
  CONCERTO_SMTP_PORT: ['2525', 'Port of the embedded mail catcher (loopback).'],
  MAIL_FROM: ['Concerto <concerto@localhost>', 'From address of outgoing mail.'],
  DKIM_DOMAIN: [
    '(none)',
    'Signing domain (d=) to DKIM-sign outgoing mail; goes with DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE.',
  ],
  DKIM_SELECTOR: ['(none)', 'DKIM selector (s=): the public key is published at <selector>._domainkey.<domain>.'],
  DKIM_PRIVATE_KEY_FILE: ['(none)', 'Path of the RSA private key (PEM) that signs outgoing mail.'],
  LINK_SECRET: [
    '(generated in the data folder)',
    'Key signing the links in mail (answers to invitations), at least ' +
      '32 bytes; set it, the same everywhere, when several processes run.',
  ],
  CONCERTO_IMIP_PORT: [
    '2526',
    'Port of the listener for calendar replies (iMIP REPLY) to the organizer address (loopback).',
  ],
  IMIP_LISTEN: ['1', '0 to run no calendar-reply listener, when replies reach Concerto another way.'],
  IMAP_URL: [
    '(none)',
    "The reply mailbox (the MAIL_FROM address's), read for calendar replies and bounces: " +
      'imaps://user:password@imap.example.org (TLS) or imap://… (STARTTLS, required but on loopback).',
  ],
  IMAP_USER: ['(from IMAP_URL)', 'Login of the reply mailbox, instead of the one in IMAP_URL.'],
  IMAP_PASSWORD: ['(from IMAP_URL)', 'Password of the reply mailbox, instead of the one in IMAP_URL.'],
  IMAP_MAILBOX: [IMAP_DEFAULTS.mailbox, 'Folder the replies arrive in.'],
  IMAP_DONE_FOLDER: [
    IMAP_DEFAULTS.doneFolder,
    'Folder replies and bounces are moved to once read (created if missing).',
  ],
  IMAP_UNREADABLE_FOLDER: [
    IMAP_DEFAULTS.unreadableFolder,
    'Folder mail with an unreadable calendar is moved to, unread (created if missing).',
  ],
  IMAP_POLL_SECONDS: [
    String(IMAP_DEFAULTS.pollSeconds),
    'Seconds between two searches of the mailbox (new mail is read at once where the server offers IDLE).',
  ],
  CALDAV_SECRET: [
    '(LINK_SECRET)',
    'Key sealing (AES-256-GCM) the app passwords of the CalDAV calendars people link, at least 32 bytes; ' +
      'the same in every process. Changing it makes the linked calendars be linked again.',
  ],
  CALDAV_POLL_SECONDS: [
    '300',
    'How often the answers people give in their linked CalDAV calendar are read back (seconds; 0: never).',
  ],
  CONCERTO_DEMO: [
    'auto',
    'Load the reference CTG as demo data into an empty database: auto (only with the embedded database), 1 or 0.',
  ],
  CONCERTO_ADMINS: [
    '(none)',
    'Comma-separated addresses of the admins, made admins at each start (created if unknown); they sign in by link. ' +
      'The first holds the local CLI token (data/cli-token); without any, an admin admin@concerto.localhost is ' +
      'created for it.',
  ],
  CONCERTO_TRUST_PROXY: [
    '(none)',
    "Behind a reverse proxy: how many proxy hops to trust (1), or the proxies' addresses or CIDR ranges, " +
      "comma-separated; the client's IP (sign-in limits per IP) is then read from X-Forwarded-For.",
  ],
  CONCERTO_LOG_LEVEL: ['WARN', 'Log level of the Temporal worker runtime: ERROR, WARN, INFO, DEBUG or TRACE.'],
} as const satisfies Record<string, readonly [string, string]>;

function portFrom(
  env: NodeJS.ProcessEnv,
  name: keyof typeof CONFIG_VARIABLES,
  fallback: number,
  errors: string[],
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    errors.push(`${name} must be a port number from 0 to 65535, got "${raw}".`);
    return fallback;
  }
  return value;
}

/** Reads the environment; every problem is reported at once, each naming its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConcertoConfig {
  const errors: string[] = [];
  const port = portFrom(env, 'PORT', DEFAULT_PORT, errors);
  const host = env.HOST?.trim() || DEFAULT_HOST;
  const dataDir = path.resolve(env.CONCERTO_DATA_DIR?.trim() || 'data');
  const publicUrl = (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    errors.push(`PUBLIC_URL must be an absolute URL such as https://concerto.example.org, got "${publicUrl}".`);
  }

  let database: DatabaseTarget = { kind: 'pglite', dir: path.join(dataDir, 'pglite') };
  try {
    database = databaseTargetFromEnv({ ...env, CONCERTO_DATA_DIR: dataDir });
  } catch (error) {
    errors.push((error as Error).message);
  }

  const namespace = env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const taskQueue = env.TEMPORAL_TASK_QUEUE?.trim() || 'concerto';
  const address = env.TEMPORAL_ADDRESS?.trim();
  let temporal: TemporalConfig;
  if (address) {
    if (!/^[^:/\s]+:\d+$/.test(address)) {
      errors.push(`TEMPORAL_ADDRESS must be host:port (e.g. my-ns.a1b2c.tmprl.cloud:7233), got "${address}".`);
    }
    const apiKey = env.TEMPORAL_API_KEY?.trim() || undefined;
    const tlsFiles = {
      ...(env.TEMPORAL_TLS_CA ? { serverRootCaPath: env.TEMPORAL_TLS_CA } : {}),
      ...(env.TEMPORAL_TLS_CERT ? { clientCertPath: env.TEMPORAL_TLS_CERT } : {}),
      ...(env.TEMPORAL_TLS_KEY ? { clientKeyPath: env.TEMPORAL_TLS_KEY } : {}),
      ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverName: env.TEMPORAL_TLS_SERVER_NAME } : {}),
    };
    if (Boolean(tlsFiles.clientCertPath) !== Boolean(tlsFiles.clientKeyPath)) {
      errors.push('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both for mTLS, or neither.');
    }
    const tlsOn = env.TEMPORAL_TLS === 'true' || apiKey !== undefined || Object.keys(tlsFiles).length > 0;
    temporal = {
      mode: 'cluster',
      address,
      namespace,
      taskQueue,
      tls: tlsOn ? tlsFiles : false,
      ...(apiKey ? { apiKey } : {}),
      ...(env.TEMPORAL_UI_URL ? { uiUrl: env.TEMPORAL_UI_URL.replace(/\/+$/, '') } : {}),
    };
  } else {
    temporal = {
      mode: 'embedded',
      namespace,
      taskQueue,
      port: portFrom(env, 'TEMPORAL_PORT', 7233, errors),
      uiPort: portFrom(env, 'TEMPORAL_UI_PORT', 8233, errors),
    };
  }

  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  const smtpProblem = smtpUrl ? smtpUrlError(smtpUrl) : null;
  if (smtpProblem) errors.push(smtpProblem);
  const dkim = dkimFromSettings({
    DKIM_DOMAIN: env.DKIM_DOMAIN?.trim(),
    DKIM_SELECTOR: env.DKIM_SELECTOR?.trim(),
    DKIM_PRIVATE_KEY_FILE: env.DKIM_PRIVATE_KEY_FILE?.trim(),
  });
  errors.push(...dkim.errors);
  const mail = {
    ...(smtpUrl ? { smtpUrl } : {}),
    catcherPort: portFrom(env, 'CONCERTO_SMTP_PORT', 2525, errors),
    from: env.MAIL_FROM?.trim() || 'Concerto <concerto@localhost>',
    ...(dkim.dkim ? { dkim: dkim.dkim } : {}),
  };

  const linkSecret = env.LINK_SECRET?.trim() || undefined;
  const linkProblem = linkSecret ? linkSecretError(linkSecret) : null;
  if (linkProblem) errors.push(linkProblem);
  const imipListen = env.IMIP_LISTEN?.trim() || '1';
  if (!['0', '1'].includes(imipListen)) errors.push('IMIP_LISTEN must be 1 or 0.');
  const imip = { listen: imipListen !== '0', port: portFrom(env, 'CONCERTO_IMIP_PORT', 2526, errors) };
  const imap = imapFromSettings({
    IMAP_URL: env.IMAP_URL?.trim() || undefined,
    IMAP_USER: env.IMAP_USER?.trim() || undefined,
    IMAP_PASSWORD: env.IMAP_PASSWORD || undefined,
    IMAP_MAILBOX: env.IMAP_MAILBOX?.trim() || undefined,
    IMAP_DONE_FOLDER: env.IMAP_DONE_FOLDER?.trim() || undefined,
    IMAP_UNREADABLE_FOLDER: env.IMAP_UNREADABLE_FOLDER?.trim() || undefined,
    IMAP_POLL_SECONDS: env.IMAP_POLL_SECONDS?.trim() || undefined,
  });
  errors.push(...imap.errors);

  const caldavSecret = env.CALDAV_SECRET?.trim() || undefined;
  if (caldavSecret && linkSecretError(caldavSecret))
    errors.push(linkSecretError(caldavSecret)!.replace('LINK_SECRET', 'CALDAV_SECRET'));
  const pollRaw = env.CALDAV_POLL_SECONDS?.trim() || '300';
  const pollSeconds = Number(pollRaw);
  if (!Number.isInteger(pollSeconds) || pollSeconds < 0)
    errors.push(`CALDAV_POLL_SECONDS must be a whole number of seconds (0 for never), got "${pollRaw}".`);

  const cacheRaw = env.TEMPORAL_MAX_CACHED_WORKFLOWS?.trim();
  const maxCachedWorkflows = cacheRaw ? Number(cacheRaw) : undefined;
  if (maxCachedWorkflows !== undefined && !(Number.isInteger(maxCachedWorkflows) && maxCachedWorkflows >= 0))
    errors.push(`TEMPORAL_MAX_CACHED_WORKFLOWS must be a whole number of workflows, got "${cacheRaw}".`);
  const bundleRaw = env.TEMPORAL_WORKFLOW_BUNDLE?.trim();
  const workflowBundlePath = bundleRaw ? path.resolve(bundleRaw) : undefined;
  if (workflowBundlePath && !existsSync(workflowBundlePath))
    errors.push(`TEMPORAL_WORKFLOW_BUNDLE: no file at ${workflowBundlePath} (npm run build:workflows writes one).`);

  const logLevel = (env.CONCERTO_LOG_LEVEL?.trim().toUpperCase() || 'WARN') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) errors.push(`CONCERTO_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`);

  const demoSetting = env.CONCERTO_DEMO?.trim() || 'auto';
  if (!['auto', '0', '1'].includes(demoSetting)) errors.push('CONCERTO_DEMO must be auto, 1 or 0.');
  const demo = demoSetting === '1' || (demoSetting === 'auto' && database.kind !== 'postgres');

  const admins = (env.CONCERTO_ADMINS ?? '')
    .split(',')
    .map((address) => address.trim().toLowerCase())
    .filter(Boolean);
  for (const address of admins)
    if (!/^[^\s@]+@[^\s@]+$/.test(address)) errors.push(`CONCERTO_ADMINS: « ${address} » is not an e-mail address.`);

  const trustProxy = trustedProxies(env.CONCERTO_TRUST_PROXY, errors);

  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration:\n- ${errors.join('\n- ')}`);
  }
  return {
    host,
    port,
    publicUrl,
    dataDir,
    database,
    temporal,
    ...(maxCachedWorkflows !== undefined ? { maxCachedWorkflows } : {}),
    ...(workflowBundlePath ? { workflowBundlePath } : {}),
    mail,
    links: linkSecret ? { secret: linkSecret } : {},
    imip,
    ...(imap.imap ? { imap: imap.imap } : {}),
    caldav: { ...(caldavSecret ? { secret: caldavSecret } : {}), pollSeconds },
    logLevel,
    demo,
    admins,
    trustProxy,
  };
}

function trustedProxies(raw: string | undefined, errors: string[]): ConcertoConfig['trustProxy'] {
  const value = raw?.trim();
  if (!value) return false;
  if (/^\d+$/.test(value)) return Number(value);
  const proxies = value
    .split(',')
    .map((proxy) => proxy.trim())
    .filter(Boolean);
  for (const proxy of proxies)
    if (!/^[0-9a-f.:]+(\/\d{1,3})?$/i.test(proxy))
      errors.push(`CONCERTO_TRUST_PROXY: « ${proxy} » is neither a number of hops nor an IP address or CIDR range.`);
  return proxies;
}

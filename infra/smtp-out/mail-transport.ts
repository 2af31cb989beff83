import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodemailer, { type SendMailOptions, type SentMessageInfo, type Transporter } from 'nodemailer';

/** DKIM signing of every outgoing message (nodemailer's `dkim` option). */
export interface DkimOptions {
  /** The signing domain (d=), usually the From address's domain. */
  domainName: string;
  /** The selector (s=): the public key is published at `<selector>._domainkey.<domain>`. */
  keySelector: string;
  /** PEM private key. */
  privateKey: string;
}

/** What sends mail: nodemailer's transporter, or the same on its own thread (mail-transport-thread.ts). */
export interface MailSender {
  sendMail(message: SendMailOptions): Promise<SentInfo>;
  close(): void;
}

/** What the server said of a message it took. */
export type SentInfo = Pick<SentMessageInfo, 'messageId' | 'response' | 'accepted' | 'rejected'>;

/** Where outgoing mail goes: the embedded mail catcher, or a real SMTP server. */
export type MailTransportConfig =
  | { kind: 'catcher'; host: string; port: number; dkim?: DkimOptions }
  | { kind: 'smtp'; url: string; dkim?: DkimOptions };

// A dead server should fail an activity attempt quickly enough for the retry policy to matter,
// while a slow but alive one still gets time to accept a message with an invitation attached.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/**
 * The pool towards a relay: a few connections reused for up to 100 messages each, and at most 50
 * messages a second, so a convocation to a whole COPIL goes out at once without looking like a
 * burst to the relay. SMTP_URL's query overrides any of them (e.g. `?rateLimit=30&rateDelta=60000`
 * for a provider allowing 30 messages a minute; `?rateLimit=0` for none). The limit holds per
 * process: several workers add up.
 */
export const POOL_OPTIONS = {
  pool: true,
  maxConnections: 5,
  maxMessages: 100,
  rateDelta: 1000,
  rateLimit: 50,
} as const;

/**
 * The pool towards the catcher: connections kept open, with no limit of messages or rate. A new
 * connection a message cost each side about as much CPU as the message itself (bench/README.md).
 */
const CATCHER_POOL = { pool: true, maxConnections: 5, maxMessages: Infinity } as const;

/** SMTP_URL query parameters read as booleans or counts, checked so a typo is not silently ignored. */
const BOOLEAN_PARAMS = ['requireTLS', 'ignoreTLS', 'opportunisticTLS', 'secure', 'pool', 'tls.rejectUnauthorized'];
const COUNT_PARAMS = [
  'maxConnections',
  'maxMessages',
  'rateDelta',
  'rateLimit',
  'connectionTimeout',
  'greetingTimeout',
  'socketTimeout',
];

/**
 * What is wrong with an SMTP_URL, as a sentence naming the variable and the expected forms, or
 * null when it can be used. The URL itself is never echoed: it usually holds a password.
 */
export function smtpUrlError(url: string): string | null {
  const problem = smtpUrlProblem(url);
  if (!problem) return null;
  return (
    `SMTP_URL ${problem}. Expected smtp://user:password@smtp.example.org:587 (STARTTLS when offered; ` +
    'add ?requireTLS=true to refuse sending without it) or smtps://user:password@smtp.example.org:465 (TLS); ' +
    'percent-encode special characters in the password. ' +
    'Unset SMTP_URL to deliver to the embedded mail catcher instead.'
  );
}

/** Why the URL cannot be used, without echoing it: it usually holds a password. */
function smtpUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    return `must start with smtp:// or smtps://, got "${parsed.protocol}//…"`;
  }
  if (!parsed.hostname) return 'has no host name';
  for (const [key, value] of parsed.searchParams) {
    if (BOOLEAN_PARAMS.includes(key) && value !== 'true' && value !== 'false')
      return `has ${key}=${value}, expected true or false`;
    if (COUNT_PARAMS.includes(key) && !/^\d+$/.test(value)) return `has ${key}=${value}, expected a whole number`;
  }
  if (parsed.protocol === 'smtps:' && parsed.searchParams.get('requireTLS') === 'true') {
    return (
      'asks for STARTTLS (requireTLS) on smtps://, which is TLS from ' +
      'the start: drop ?requireTLS=true, or use smtp:// on port 587'
    );
  }
  return null;
}

/** The DKIM variables as read from the environment. */
export interface DkimSettings {
  DKIM_DOMAIN?: string;
  DKIM_SELECTOR?: string;
  DKIM_PRIVATE_KEY_FILE?: string;
}

/**
 * DKIM signing from its three variables: none set gives no signing, all three give the options
 * with the key read and checked now, so a wrong path or key fails at start rather than at the
 * first send. Each problem comes back as a sentence naming its variable.
 */
export function dkimFromSettings(settings: DkimSettings): { dkim?: DkimOptions; errors: string[] } {
  const names = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_FILE'] as const;
  const set = names.filter((name) => settings[name]);
  if (set.length === 0) return { errors: [] };
  if (set.length < names.length) {
    const missing = names.filter((name) => !settings[name]);
    return {
      errors: [
        `DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE go together: set all three ` +
          `to sign outgoing mail with DKIM, or none. Missing: ${missing.join(', ')}.`,
      ],
    };
  }
  const domainName = settings.DKIM_DOMAIN!;
  const keySelector = settings.DKIM_SELECTOR!;
  const file = settings.DKIM_PRIVATE_KEY_FILE!;
  const errors: string[] = [];
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i.test(domainName)) {
    errors.push(`DKIM_DOMAIN must be a domain name such as example.org, got "${domainName}".`);
  }
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(keySelector)) {
    errors.push(`DKIM_SELECTOR must be a DNS label such as concerto or mail2024, got "${keySelector}".`);
  }
  let privateKey = '';
  try {
    privateKey = readFileSync(file, 'utf8');
  } catch (error) {
    errors.push(
      `DKIM_PRIVATE_KEY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ` +
        `${file}. Give the path of the PEM private key.`,
    );
  }
  if (privateKey) {
    let type: string | undefined;
    try {
      type = createPrivateKey(privateKey).asymmetricKeyType;
    } catch {
      errors.push(
        `DKIM_PRIVATE_KEY_FILE is not a PEM private key: ${file}. Generate one with openssl genrsa -out dkim.pem 2048.`,
      );
    }
    // Nodemailer signs with rsa-sha256 only.
    if (type && type !== 'rsa')
      errors.push(`DKIM_PRIVATE_KEY_FILE holds an ${type} key; DKIM signing here needs an RSA key: ${file}.`);
  }
  return errors.length ? { errors } : { dkim: { domainName, keySelector, privateKey }, errors };
}

/**
 * Builds the nodemailer transporter for a config. A real server gets a connection pool
 * ({@link POOL_OPTIONS}), since a meeting convocation goes to many recipients at once; TLS and
 * credentials come from the URL (smtps:// is TLS from the start, smtp:// upgrades with STARTTLS
 * when offered, or always with `?requireTLS=true`). The catcher on loopback gets plain
 * connections ({@link CATCHER_POOL}) with STARTTLS skipped, as it offers none. With `dkim`, every message is signed.
 */
export function createMailTransport(config: MailTransportConfig): Transporter {
  const dkim = config.dkim ? { dkim: { ...config.dkim } } : {};
  if (config.kind === 'smtp') {
    // Nodemailer parses the URL itself; the URL's own query parameters win over these options.
    return nodemailer.createTransport({ url: config.url, ...POOL_OPTIONS, ...TIMEOUTS, ...dkim });
  }
  return nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: false,
    ignoreTLS: true,
    ...CATCHER_POOL,
    ...TIMEOUTS,
    ...dkim,
  });
}

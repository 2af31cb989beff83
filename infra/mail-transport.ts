import nodemailer, { type Transporter } from 'nodemailer';

/** Where outgoing mail goes: the embedded mail catcher, or a real SMTP server. */
export type MailTransportConfig =
  | { kind: 'catcher'; host: string; port: number }
  | { kind: 'smtp'; url: string };

// A dead server should fail an activity attempt quickly enough for the retry policy to matter,
// while a slow but alive one still gets time to accept a message with an invitation attached.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/**
 * What is wrong with an SMTP_URL, as a sentence naming the variable and the expected forms, or
 * null when it can be used. The URL itself is never echoed: it usually holds a password.
 */
export function smtpUrlError(url: string): string | null {
  const problem = smtpUrlProblem(url);
  if (!problem) return null;
  return (
    `SMTP_URL ${problem}. Expected smtp://user:password@smtp.example.org:587 (STARTTLS) or ` +
    'smtps://user:password@smtp.example.org:465 (TLS); percent-encode special characters in the password. ' +
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
  return null;
}

/**
 * Builds the nodemailer transporter for a config. A real server gets a connection pool, since
 * a meeting convocation goes to many recipients at once; the catcher on loopback gets a plain
 * connection with STARTTLS skipped, as it offers none.
 */
export function createMailTransport(config: MailTransportConfig): Transporter {
  if (config.kind === 'smtp') {
    // Nodemailer parses the URL itself; the URL's own query parameters win over these options.
    return nodemailer.createTransport({ url: config.url, pool: true, ...TIMEOUTS });
  }
  return nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: false,
    ignoreTLS: true,
    ...TIMEOUTS,
  });
}

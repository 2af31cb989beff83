/** The reply mailbox Concerto reads (`IMAP_*` variables), connection and folders. */
export interface ImapSettings {
  host: string;
  port: number;
  /** TLS from the first byte (imaps://); otherwise STARTTLS, required unless the host is loopback. */
  secure: boolean;
  requireStartTls: boolean;
  user: string;
  password: string;
  /** The folder the replies arrive in. */
  mailbox: string;
  /** Where replies and bounces go once taken. */
  doneFolder: string;
  /** Where mail whose calendar or structure cannot be read goes, unread, for a person to look at. */
  unreadableFolder: string;
  /** Between two searches of the mailbox; with IDLE, new mail is read at once all the same. */
  pollMs: number;
}

/** The `IMAP_*` variables as the environment gives them (trimmed, unset as undefined). */
export interface ImapVariables {
  IMAP_URL?: string;
  IMAP_USER?: string;
  IMAP_PASSWORD?: string;
  IMAP_MAILBOX?: string;
  IMAP_DONE_FOLDER?: string;
  IMAP_UNREADABLE_FOLDER?: string;
  IMAP_POLL_SECONDS?: string;
}

export const IMAP_DEFAULTS = {
  mailbox: 'INBOX',
  doneFolder: 'Traitées',
  unreadableFolder: 'Illisibles',
  pollSeconds: 60,
};

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;
const EXPECTED =
  'Expected imaps://user:password@imap.example.org (TLS, port 993) or imap://user:password@imap.example.org ' +
  '(STARTTLS, port 143); percent-encode special characters, or give them in IMAP_USER and IMAP_PASSWORD.';

/**
 * Reads the reply mailbox's settings; without IMAP_URL there is none (replies reach Concerto by link
 * or through the SMTP listener). Each problem comes back as a sentence naming its variable, never
 * echoing the URL, which usually holds a password.
 */
export function imapFromSettings(variables: ImapVariables): { imap?: ImapSettings; errors: string[] } {
  const url = variables.IMAP_URL;
  const others = (Object.keys(variables) as Array<keyof ImapVariables>).filter((k) => k !== 'IMAP_URL' && variables[k]);
  if (!url) {
    return { errors: others.length > 0 ? [`${others.join(', ')} set without IMAP_URL: set IMAP_URL too.`] : [] };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { errors: [`IMAP_URL is not a valid URL. ${EXPECTED}`] };
  }
  const errors: string[] = [];
  if (parsed.protocol !== 'imap:' && parsed.protocol !== 'imaps:')
    errors.push(`IMAP_URL must start with imap:// or imaps://, got "${parsed.protocol}//…". ${EXPECTED}`);
  if (!parsed.hostname) errors.push(`IMAP_URL has no host name. ${EXPECTED}`);
  const user = variables.IMAP_USER ?? decodeURIComponent(parsed.username);
  const password = variables.IMAP_PASSWORD ?? decodeURIComponent(parsed.password);
  if (!user || !password) errors.push(`The reply mailbox needs a user and a password: in IMAP_URL, or ${EXPECTED}`);
  const pollSeconds = Number(variables.IMAP_POLL_SECONDS ?? IMAP_DEFAULTS.pollSeconds);
  if (!Number.isInteger(pollSeconds) || pollSeconds < 1 || pollSeconds > 3600)
    errors.push(
      `IMAP_POLL_SECONDS must be a whole number of seconds from 1 to 3600, got "${variables.IMAP_POLL_SECONDS}".`,
    );
  const secure = parsed.protocol === 'imaps:';
  const folders = {
    mailbox: variables.IMAP_MAILBOX ?? IMAP_DEFAULTS.mailbox,
    doneFolder: variables.IMAP_DONE_FOLDER ?? IMAP_DEFAULTS.doneFolder,
    unreadableFolder: variables.IMAP_UNREADABLE_FOLDER ?? IMAP_DEFAULTS.unreadableFolder,
  };
  if (new Set(Object.values(folders)).size < 3)
    errors.push('IMAP_MAILBOX, IMAP_DONE_FOLDER and IMAP_UNREADABLE_FOLDER must be three different folders.');
  if (errors.length > 0) return { errors };
  return {
    imap: {
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port ? Number(parsed.port) : secure ? 993 : 143,
      secure,
      requireStartTls: !secure && !LOOPBACK.test(parsed.hostname),
      user,
      password,
      ...folders,
      pollMs: pollSeconds * 1000,
    },
    errors: [],
  };
}

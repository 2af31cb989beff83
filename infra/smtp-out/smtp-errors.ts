/** What a failed send means for the caller: give up and tell someone, or try again later. */
export interface SmtpErrorClassification {
  /** True when sending the same message again would fail the same way. */
  permanent: boolean;
  /** The nodemailer code (`EAUTH`, `ESOCKET`…), else `SMTP_<reply code>`, else `EUNKNOWN`. */
  code: string;
  /** For logs: what happened, the server's words, and what the operator can do. */
  message: string;
}

/** How one error code is handled, and what to tell the operator. */
export interface SmtpErrorRule {
  permanent: boolean;
  /** What went wrong, as the start of a sentence after "SMTP". */
  what: string;
  /** What the operator can do about it. */
  advice: string;
}

const CHECK_SERVER = 'Check that the host and port in SMTP_URL are right and the server is up.';

/**
 * Every code this module knows, once. Nodemailer's own codes come first, then the system codes
 * it keeps as `originalCode` (or that reach us unwrapped). Misconfiguration that the operator can
 * fix without touching the message (wrong host, TLS mode, the relay's credentials) is retried on
 * purpose: once the worker restarts with a corrected SMTP_URL, the pending sends go out by themselves.
 */
export const SMTP_ERROR_RULES: Readonly<Record<string, SmtpErrorRule>> = {
  EAUTH: { permanent: false, what: 'authentication failed', advice: 'Check the user and password in SMTP_URL.' },
  ENOAUTH: {
    permanent: false,
    what: 'server requires authentication',
    advice: 'Put user:password in SMTP_URL (smtp://user:password@host:587).',
  },
  EOAUTH2: {
    permanent: false,
    what: 'OAuth2 token could not be obtained',
    advice: 'Check the OAuth2 client credentials of the mail account.',
  },
  EENVELOPE: {
    permanent: true,
    what: 'sender or recipients refused',
    advice: 'Check the recipient addresses and that the SMTP account may send as the From address.',
  },
  EMAXRECIPIENTS: { permanent: true, what: 'too many recipients', advice: 'Split the message into several sends.' },
  EMESSAGE: {
    permanent: true,
    what: 'message refused',
    advice: 'Check the message size and attachments against the server limits.',
  },
  EREQUIRETLS: {
    permanent: true,
    what: 'REQUIRETLS not available',
    advice: 'Send without requireTLS or use a server that supports it.',
  },
  ECONFIG: {
    permanent: true,
    what: 'invalid transport configuration',
    advice: 'Check SMTP_URL and the transport options.',
  },
  EFILEACCESS: {
    permanent: true,
    what: 'attachment file access refused',
    advice: 'Pass attachment content instead of a file path.',
  },
  EURLACCESS: {
    permanent: true,
    what: 'attachment URL access refused',
    advice: 'Pass attachment content instead of a URL.',
  },
  EOTP: { permanent: true, what: 'invalid one-time passcode data', advice: 'Fix the otp option of the message.' },
  ERR_ACCESS_DENIED: {
    permanent: true,
    what: 'network access denied by the Node permission model',
    advice: 'Start the worker with --allow-net.',
  },
  ECONNECTION: { permanent: false, what: 'connection closed unexpectedly', advice: CHECK_SERVER },
  ESOCKET: { permanent: false, what: 'socket error', advice: CHECK_SERVER },
  ECONNREFUSED: { permanent: false, what: 'connection refused', advice: CHECK_SERVER },
  ECONNRESET: { permanent: false, what: 'connection reset by the server', advice: CHECK_SERVER },
  EPIPE: { permanent: false, what: 'connection closed while writing', advice: CHECK_SERVER },
  EHOSTUNREACH: { permanent: false, what: 'host unreachable', advice: CHECK_SERVER },
  ENETUNREACH: { permanent: false, what: 'network unreachable', advice: CHECK_SERVER },
  ETIMEDOUT: {
    permanent: false,
    what: 'timed out',
    advice: 'Check that the server in SMTP_URL is reachable from here (firewall, port).',
  },
  EDNS: {
    permanent: false,
    what: 'host name could not be resolved',
    advice: 'Check the host name in SMTP_URL and the DNS of this machine.',
  },
  ENOTFOUND: {
    permanent: false,
    what: 'host name could not be resolved',
    advice: 'Check the host name in SMTP_URL and the DNS of this machine.',
  },
  EAI_AGAIN: { permanent: false, what: 'host name lookup failed for now', advice: 'Check the DNS of this machine.' },
  ETLS: {
    permanent: false,
    what: 'TLS negotiation failed',
    advice: 'Use smtps:// for port 465 and smtp:// for 587 in SMTP_URL, and check the server certificate.',
  },
  EPROTOCOL: {
    permanent: false,
    what: 'unexpected server response',
    advice: 'Check that SMTP_URL points to an SMTP server.',
  },
  EPROXY: { permanent: false, what: 'proxy connection failed', advice: 'Check the proxy settings.' },
  EMAXLIMIT: { permanent: false, what: 'connection pool limit reached', advice: 'Nothing to do unless it persists.' },
  EABORT: { permanent: false, what: 'sending aborted', advice: 'The transport was closed during the send.' },
  ESTREAM: { permanent: false, what: 'message content could not be read', advice: 'Check the attachment sources.' },
  EFETCH: {
    permanent: false,
    what: 'attachment download failed',
    advice: 'Check that the attachment URL is reachable.',
  },
};

/**
 * 5xx replies about our account at the relay, not about the message or its recipient: fixed by the
 * operator, after which the same message goes through, so they are retried like a 4xx.
 */
const RELAY_ACCOUNT_REPLIES: ReadonlySet<number> = new Set([530, 534, 535]);

/** Reply codes worth their own explanation; the others fall back to the code rule. */
const REPLY_RULES: Readonly<Record<number, Omit<SmtpErrorRule, 'permanent'>>> = {
  421: {
    what: 'server is closing the connection (busy or shutting down)',
    advice: 'Nothing to do unless it persists.',
  },
  450: { what: 'mailbox temporarily unavailable', advice: 'Nothing to do unless it persists.' },
  451: { what: 'server failed to process the message for now', advice: 'Nothing to do unless it persists.' },
  452: { what: 'server is out of storage or got too many recipients', advice: 'Nothing to do unless it persists.' },
  454: { what: 'authentication temporarily unavailable', advice: 'Nothing to do unless it persists.' },
  530: {
    what: 'server requires authentication',
    advice: 'Put user:password in SMTP_URL (smtp://user:password@host:587).',
  },
  534: {
    what: 'authentication mechanism too weak',
    advice: 'Use an app password or the mechanism the provider asks for.',
  },
  535: { what: 'authentication failed', advice: 'Check the user and password in SMTP_URL.' },
  550: {
    what: 'mailbox unavailable or sending refused',
    advice: 'Check the recipient address and that the SMTP account may send as the From address.',
  },
  551: { what: 'recipient not local to the server', advice: 'Check the recipient address.' },
  552: {
    what: 'message too large or mailbox over quota',
    advice: 'Reduce the attachments or check the recipient mailbox.',
  },
  553: { what: 'mailbox name not allowed', advice: 'Check the recipient and From addresses.' },
  554: {
    what: 'transaction failed (often a spam or policy rejection)',
    advice: 'Read the server response; the provider may need SPF/DKIM set up for the From domain.',
  },
};

interface ErrorShape {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  command?: unknown;
  response?: unknown;
  message?: unknown;
  recipient?: unknown;
  rejected?: unknown;
  timeoutType?: unknown;
}

/**
 * Decides once, for every caller, whether a nodemailer/SMTP error is worth retrying.
 *
 * The SMTP reply code wins when there is one (RFC 5321: 4xx transient, 5xx permanent), so a
 * greylisting 450 on RCPT is retried although nodemailer files it under `EENVELOPE`. 503 ("bad
 * sequence of commands") is the exception nodemailer also makes: it is about the session, not
 * the message, so a new connection can succeed; so are 530, 534 and 535, about our account at the
 * relay (RELAY_ACCOUNT_REPLIES). Without a reply code the nodemailer code decides;
 * an error nobody recognises is treated as transient and left to the retry policy's limits.
 */
export function classifySmtpError(err: unknown): SmtpErrorClassification {
  const shape: ErrorShape = typeof err === 'object' && err !== null ? (err as ErrorShape) : {};
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  const originalCode = typeof shape.originalCode === 'string' ? shape.originalCode : undefined;
  const replyCode =
    typeof shape.responseCode === 'number' && shape.responseCode >= 400 && shape.responseCode < 600
      ? shape.responseCode
      : undefined;
  const command = typeof shape.command === 'string' ? shape.command : undefined;
  const detail = describeError(err, shape);

  // The system code says more than nodemailer's wrapper: ESOCKET(ECONNREFUSED) is "refused".
  const codeRule =
    (originalCode ? SMTP_ERROR_RULES[originalCode] : undefined) ?? (code ? SMTP_ERROR_RULES[code] : undefined);

  let permanent: boolean;
  let rule: Omit<SmtpErrorRule, 'permanent'>;
  if (replyCode !== undefined) {
    permanent = replyCode >= 500 && replyCode !== 503 && !RELAY_ACCOUNT_REPLIES.has(replyCode);
    rule = REPLY_RULES[replyCode] ??
      codeRule ?? {
        what: permanent ? 'server refused the request' : 'server deferred the request',
        advice: 'Read the server response.',
      };
  } else if (codeRule) {
    permanent = codeRule.permanent;
    rule = codeRule;
  } else if (typeof shape.timeoutType === 'string') {
    permanent = false;
    rule = SMTP_ERROR_RULES.ETIMEDOUT!;
  } else {
    permanent = false;
    rule = {
      what: 'send failed for an unknown reason',
      advice: 'Read the error below; if it persists, check SMTP_URL and the server.',
    };
  }

  const context = [
    code ?? (replyCode !== undefined ? undefined : 'no code'),
    originalCode && originalCode !== code ? originalCode : undefined,
    replyCode !== undefined ? `reply ${replyCode}` : undefined,
    command ? `on ${command}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const outcome = permanent ? 'Retrying will not help.' : 'The send will be retried.';
  return {
    permanent,
    code: code ?? (replyCode !== undefined ? `SMTP_${replyCode}` : 'EUNKNOWN'),
    message: `SMTP ${rule.what}${context ? ` (${context})` : ''}: ${detail}. ${rule.advice} ${outcome}`,
  };
}

/** The error's own words, plus the refused recipients nodemailer lists separately. */
function describeError(err: unknown, shape: ErrorShape): string {
  let text: string;
  if (typeof shape.message === 'string' && shape.message) text = shape.message;
  else if (typeof shape.response === 'string' && shape.response) text = shape.response;
  else if (typeof err === 'string') text = err;
  else text = 'no details';
  text = text.trim().replace(/[.\s]+$/, '');

  const recipients = Array.isArray(shape.rejected)
    ? shape.rejected.filter((r): r is string => typeof r === 'string')
    : typeof shape.recipient === 'string'
      ? [shape.recipient]
      : [];
  return recipients.length ? `${text} (refused: ${recipients.join(', ')})` : text;
}

import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { openCaughtMailLog } from './caught-mail-log.js';
import { receiveMessage, smtpError } from './smtp-message.js';

/** One message the catcher accepted, as listed (the raw source is read separately). */
export interface CaughtMessage {
  id: string;
  /** The Message-ID header, angle brackets included, or null when the message had none. */
  messageId: string | null;
  /** The From header as text, else the envelope sender. */
  from: string;
  /** Envelope recipients (RCPT TO), lower-cased: who the message was actually delivered to. */
  to: string[];
  subject: string;
  /** ISO timestamp of reception. */
  date: string;
  /** A text/calendar MIME part is present (a meeting invitation). */
  hasCalendar: boolean;
  /** Size of the raw source in bytes. */
  size: number;
}

/** A running mail catcher. */
export interface MailCatcher {
  readonly host: string;
  readonly port: number;
  /** `smtp://host:port`, for nodemailer. */
  readonly url: string;
  /** Every message accepted so far, newest first. */
  list(): Promise<CaughtMessage[]>;
  /** One message, or null when the id is unknown or malformed. */
  get(id: string): Promise<CaughtMessage | null>;
  /** The raw source (.eml), or null when the id is unknown or malformed. */
  readRaw(id: string): Promise<Buffer | null>;
  /** Stops listening and waits for the server and any message being stored. */
  close(): Promise<void>;
}

/** Options of {@link startMailCatcher}. */
export interface MailCatcherOptions {
  /** Folder holding the caught messages (`caught-mail-log.ts`); created if missing, reloaded on start. */
  dir: string;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
/** `20240620T120000123Z-1a2b3c`: sorts by time, safe in a URL and as a file name. */
const ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;
// A pooled sender keeps idle connections open; shutdown should not wait the default 30 s for
// them. A message cut off mid-transfer never got its 250, so its sender will send it again.
const CLOSE_TIMEOUT_MS = 1_000;
const MAX_MIME_DEPTH = 20;

/**
 * Starts an in-process SMTP server that stores every message it accepts in `options.dir`, so
 * development and tests can see what Concerto sent without a real mail server. No
 * authentication, no TLS: it is meant for loopback. Every delivery is kept, duplicates included,
 * because tests count deliveries through it.
 */
export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  const dir = path.resolve(options.dir);
  const host = options.host ?? '127.0.0.1';
  await mkdir(dir, { recursive: true });
  const log = await openCaughtMailLog<CaughtMessage>(dir, (id) => ID_PATTERN.test(id));
  const index = new Map(log.loaded.map((message) => [message.id, message]));
  const nextId = idGenerator(index.keys());
  const inFlight = new Set<Promise<void>>();

  const store = async (raw: Buffer, envelope: { from: string; to: string[] }): Promise<string> => {
    const received = new Date();
    const id = nextId(received);
    const headers = await parseRootHeaders(raw);
    const message: CaughtMessage = {
      id,
      messageId: headers.messageId,
      from: headers.from ?? envelope.from,
      to: envelope.to,
      subject: headers.subject ?? '',
      date: received.toISOString(),
      hasCalendar: hasCalendarPart(raw),
      size: raw.length,
    };
    await log.append(message, raw);
    index.set(id, message);
    return id;
  };

  const onData = (
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): void => {
    // The session is reset once we answer; read the envelope now.
    const envelope = {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
    };
    receiveMessage(stream, callback, {
      maxBytes: MAX_MESSAGE_BYTES,
      tooLarge: `Message exceeds the ${MAX_MESSAGE_BYTES} byte limit of the mail catcher`,
      handle: (raw) =>
        store(raw, envelope).then(
          (id) => `OK: stored as ${id}`,
          // 4xx, not 5xx: a full disk or a deleted folder is worth another try by the sender.
          (err: unknown) => {
            throw smtpError(
              451,
              `Message not stored, try again later: ${err instanceof Error ? err.message : String(err)}`,
            );
          },
        ),
      inFlight,
    });
  };

  const server = new SMTPServer({
    banner: 'Concerto mail catcher',
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    authOptional: true,
    // Loopback only: no STARTTLS, and AUTH in clear text so a client configured with
    // credentials (a copied SMTP_URL) still gets through.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: CLOSE_TIMEOUT_MS,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onData,
  });

  const port = await listen(server, host, options.port ?? 0);
  // Once listening, errors are about single client connections (a client hanging up mid-way):
  // that sender never got its 250 and will retry, and the server keeps serving the others.
  server.on('error', () => {});

  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    url: `smtp://${urlHost}:${port}`,
    list: async () =>
      [...index.values()]
        .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .map((m) => ({ ...m, to: [...m.to] })),
    get: async (id) => {
      const message = ID_PATTERN.test(id) ? index.get(id) : undefined;
      return message ? { ...message, to: [...message.to] } : null;
    },
    readRaw: async (id) => (ID_PATTERN.test(id) && index.has(id) ? log.read(id) : null),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
      await log.settle();
    },
  };
}

/** Listens, turning "port taken" into an error that says how to pick another one. */
function listen(server: SMTPServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      const where = `${host}:${port}`;
      if (isErrno(err, 'EADDRINUSE')) {
        reject(
          new Error(
            `Mail catcher cannot listen on ${where}: the port is already ` +
              `in use (another Concerto, or another mail server?). ` +
              'Stop that process or set CONCERTO_SMTP_PORT to a free port (0 picks one).',
            { cause: err },
          ),
        );
      } else if (isErrno(err, 'EACCES')) {
        reject(
          new Error(
            `Mail catcher cannot listen on ${where}: permission denied (ports below 1024 need privileges). ` +
              'Set CONCERTO_SMTP_PORT to a port above 1024, e.g. 2525.',
            { cause: err },
          ),
        );
      } else {
        reject(
          new Error(`Mail catcher cannot listen on ${where}: ${err.message}. Check the host and CONCERTO_SMTP_PORT.`, {
            cause: err,
          }),
        );
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Ids from the reception time, never going backwards: within one millisecond, or if the clock
 * steps back, the next id takes the next millisecond, so sorting ids sorts by arrival, even
 * across restarts.
 */
function idGenerator(existing: Iterable<string>): (at: Date) => string {
  let last = 0;
  for (const id of existing) last = Math.max(last, idTime(id));
  return (at) => {
    last = Math.max(at.getTime(), last + 1);
    const stamp = new Date(last).toISOString().replace(/[-:.]/g, '');
    return `${stamp}-${randomBytes(3).toString('hex')}`;
  };
}

function idTime(id: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(id);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!) : 0;
}

/** Subject, From and Message-ID from the root header block only: the body may be 25 MB. */
async function parseRootHeaders(
  raw: Buffer,
): Promise<{ messageId: string | null; from: string | null; subject: string | null }> {
  const { header } = splitEntity(raw.toString('latin1'));
  try {
    // latin1 round-trips the bytes, so 8-bit headers reach the parser unchanged.
    const parsed = await simpleParser(Buffer.from(`${header}\r\n\r\n`, 'latin1'));
    return { messageId: parsed.messageId ?? null, from: parsed.from?.text || null, subject: parsed.subject ?? null };
  } catch {
    // A message with unparseable headers is still a delivery worth recording.
    return { messageId: null, from: null, subject: null };
  }
}

/**
 * Walks the MIME tree and looks at every part's own Content-Type header, rather than trusting
 * how a parser classifies the part (mailparser may present an invitation as text, an
 * alternative or an attachment depending on its headers).
 */
function hasCalendarPart(raw: Buffer): boolean {
  return entityHasCalendar(raw.toString('latin1'), 0);
}

function entityHasCalendar(entity: string, depth: number): boolean {
  const { header, body } = splitEntity(entity);
  const contentType = headerValue(header, 'content-type') ?? '';
  if (/^text\/calendar\b/i.test(contentType)) return true;
  if (depth >= MAX_MIME_DEPTH || !/^multipart\//i.test(contentType)) return false;
  const boundary = /\bboundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  const value = boundary?.[1] ?? boundary?.[2];
  if (!value) return false;
  return multipartParts(body, value).some((part) => entityHasCalendar(part, depth + 1));
}

function splitEntity(entity: string): { header: string; body: string } {
  const leadingBlank = /^\r?\n/.exec(entity);
  if (leadingBlank) return { header: '', body: entity.slice(leadingBlank[0].length) };
  const separator = /\r?\n\r?\n/.exec(entity);
  if (!separator) return { header: entity, body: '' };
  return { header: entity.slice(0, separator.index), body: entity.slice(separator.index + separator[0].length) };
}

function headerValue(header: string, name: string): string | null {
  const unfolded = header.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return null;
}

function multipartParts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of body.split(/\r?\n/)) {
    if (line.startsWith(delimiter)) {
      const rest = line.slice(delimiter.length).trimEnd();
      if (rest === '' || rest === '--') {
        if (current) parts.push(current.join('\r\n'));
        if (rest === '--') return parts;
        current = [];
        continue;
      }
    }
    current?.push(line);
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

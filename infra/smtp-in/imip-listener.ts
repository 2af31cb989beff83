import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { lineIdOfReturnPath } from './bounce-report.js';
import { dispatchInboundMail, type InboundMailHandlers } from './inbound-mail.js';
import { receiveMessage, smtpError } from './smtp-message.js';

/** Options of {@link startImipListener}. */
export interface ImipListenerOptions extends Partial<Pick<InboundMailHandlers, 'log' | 'now'>> {
  /** The addresses invitations name as ORGANIZER: mail to any other recipient is refused. */
  organizers: readonly string[];
  /** A handler's failure (the database unreachable) has the sender try again later. */
  onReply: InboundMailHandlers['onReply'];
  /** Without it, return paths are refused at RCPT TO like any other address. */
  onBounce?: InboundMailHandlers['onBounce'];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

/** A running listener. */
export interface ImipListener {
  readonly host: string;
  readonly port: number;
  /** `smtp://host:port`, for nodemailer. */
  readonly url: string;
  /** Stops listening and waits for the messages being handled. */
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const CLOSE_TIMEOUT_MS = 1_000;

/**
 * An inbound SMTP server for the calendar replies sent to the organizer's address: each iMIP
 * REPLY is handed to `onReply`, which updates the attendee's answer; and, with `onBounce`, for
 * the delivery status notifications sent back to a mail's return path.
 *
 * Whatever a message is — no calendar, not a REPLY, an unknown UID, someone not invited, a
 * broken calendar — it is accepted (250) and logged: a person who writes to that address by hand,
 * or an out-of-office answer, must not get a bounce back. Only a failure on our side (the
 * database unreachable) is answered 451, so the sender's server tries again later. Mail for any
 * address other than the organizer's is refused at RCPT TO.
 *
 * Plain SMTP without TLS or authentication: it listens on loopback, behind the mail server that
 * receives the organizer's mail (which checks SPF, DKIM and DMARC) and relays it here.
 */
export async function startImipListener(options: ImipListenerOptions): Promise<ImipListener> {
  const host = options.host ?? '127.0.0.1';
  const organizers = new Set(options.organizers.map((address) => address.trim().toLowerCase()));
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const inFlight = new Set<Promise<void>>();

  const handlers: InboundMailHandlers = { onReply: options.onReply, onBounce: options.onBounce, log, now };
  const handle = async (raw: Buffer, recipients: readonly string[]): Promise<void> => {
    await dispatchInboundMail(raw, recipients, handlers);
  };

  const onData = (
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): void => {
    receiveMessage(stream, callback, {
      maxBytes: MAX_MESSAGE_BYTES,
      tooLarge: `Message exceeds ${MAX_MESSAGE_BYTES} bytes`,
      handle: (raw) =>
        handle(
          raw,
          session.envelope.rcptTo.map((r) => r.address),
        ).then(
          () => 'OK',
          (err: unknown) => {
            log(`imip: message not handled, the sender will retry: ${(err as Error).message}`);
            throw smtpError(451, 'Temporary failure, try again later');
          },
        ),
      inFlight,
    });
  };

  const server = new SMTPServer({
    banner: 'Concerto calendar replies',
    size: MAX_MESSAGE_BYTES,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: CLOSE_TIMEOUT_MS,
    onRcptTo: (address, _session, callback) => {
      if (organizers.has(address.address.trim().toLowerCase())) return callback();
      if (options.onBounce && lineIdOfReturnPath(address.address)) return callback();
      callback(smtpError(550, `No such mailbox here: ${address.address}`));
    },
    onData,
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint = 'set CONCERTO_IMIP_PORT to a free port, or IMIP_LISTEN=0 if replies reach Concerto another way';
      reject(
        new Error(
          `The calendar-reply listener cannot listen on ` +
            `${host}:${options.port ?? 0} (${err.code ?? err.message}): ${hint}.`,
          { cause: err },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : (options.port ?? 0));
    });
  });
  // Once listening, errors concern single connections (a client hanging up): keep serving the others.
  server.on('error', () => {});

  return {
    host,
    port,
    url: `smtp://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
    },
  };
}

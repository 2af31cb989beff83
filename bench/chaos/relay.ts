import { SMTPServer } from 'smtp-server';
import type { Delivery } from './tally.js';

/** An SMTP reply as smtp-server sends it: the error's message after its code. */
function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** The Message-ID header of a raw message, if any (headers unfolded; the body never read). */
export function messageIdOf(raw: Buffer): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const headers = raw
    .subarray(0, end === -1 ? raw.length : end)
    .toString('utf8')
    .replace(/\r\n[ \t]+/g, ' ');
  return /^message-id:\s*(.+)$/im.exec(headers)?.[1]?.trim() ?? null;
}

/**
 * The loopback relay of a chaos run: it accepts and counts each message by Message-ID, answers
 * 550 5.1.1 at RCPT TO for the addresses it refuses for good, and while `down` answers 421 at
 * the greeting, MAIL FROM, RCPT TO and after DATA, so no message gets through in that stretch.
 */
export class CountingRelay {
  readonly deliveries: Array<Delivery & { at: number }> = [];
  /** `connectionErrors`: sessions cut by the client (a worker SIGKILLed mid-transaction resets its socket). */
  readonly counts = { accepted: 0, refused550: 0, deferred421: 0, connectionErrors: 0 };
  down = false;
  port = 0;
  private readonly server: SMTPServer;

  constructor(private readonly refused: ReadonlySet<string>) {
    const deferred = () => {
      this.counts.deferred421 += 1;
      return reply(421, '4.3.2 Service temporarily unavailable, try again later');
    };
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      closeTimeout: 1000,
      logger: false,
      size: 25 * 1024 * 1024,
      onConnect: (_session, callback) => callback(this.down ? deferred() : undefined),
      onMailFrom: (_address, _session, callback) => callback(this.down ? deferred() : undefined),
      onRcptTo: ({ address }, _session, callback) => {
        if (this.refused.has(address.toLowerCase())) {
          this.counts.refused550 += 1;
          callback(reply(550, `5.1.1 <${address}>: Recipient address rejected: User unknown`));
        } else callback(this.down ? deferred() : undefined);
      },
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.down) return callback(deferred());
          this.counts.accepted += 1;
          this.deliveries.push({ messageId: messageIdOf(Buffer.concat(chunks)), at: Date.now() });
          callback();
        });
      },
    });
    this.server.on('error', () => {
      this.counts.connectionErrors += 1;
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.server.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

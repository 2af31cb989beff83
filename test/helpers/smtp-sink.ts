import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SinkMessage {
  /** The envelope sender (MAIL FROM), where bounces go. */
  from: string;
  to: string[];
  messageId: string | undefined;
  subject: string | undefined;
  parsed: ParsedMail;
  /** The message as received, for tests that read the MIME structure themselves. */
  raw: Buffer;
}

/**
 * A real SMTP server on loopback that tests can steer: accept, hold the next message (answering
 * only when released, like a slow server), or refuse with a given code, the message after its
 * data or each recipient at RCPT TO.
 */
export class SmtpSink {
  readonly accepted: SinkMessage[] = [];
  /** Messages whose data arrived but whose sender went away before the server answered. */
  readonly abandoned: SinkMessage[] = [];
  private holdNext = false;
  private holdAddress?: string;
  private holdEvery = false;
  private holding = 0;
  private release?: () => void;
  private refuseWith?: { code: number; message: string };
  private refuseRcptWith?: { code: number; message: string };
  private readonly refusedAddresses = new Map<string, { code: number; message: string }>();
  private server?: SMTPServer;
  port = 0;

  /** Resolves when a held message has arrived (its data read, no answer sent yet). */
  heldArrived?: Promise<void>;

  async start(port = 0): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      // Pooled senders keep idle connections open; do not wait the default 30 s for them on stop.
      closeTimeout: 1000,
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const refusal = this.refusedAddresses.get(address.address.toLowerCase()) ?? this.refuseRcptWith;
        callback(refusal ? Object.assign(new Error(refusal.message), { responseCode: refusal.code }) : undefined);
      },
      onData: (stream, session, callback) => {
        // A sender killed mid-message cuts the stream: that message was never delivered.
        this.receive(stream, session, callback).catch((error: Error) => callback(error));
      },
      onClose: (session) => {
        this.closeWatchers.get(session.id)?.();
      },
    });
    // A sender killed mid-session resets its connection: that is its business, not the server's failure.
    this.server.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') throw error;
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.server.server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next message is read but not answered until `releaseHeld()`. */
  hold(): void {
    this.holdNext = true;
    this.heldArrived = new Promise((resolve) => {
      this.onHeld = resolve;
    });
  }

  /** The next message to `address` is read but not answered until `releaseHeld()`; the others go through. */
  holdTo(address: string): void {
    this.holdAddress = address.toLowerCase();
    this.heldArrived = new Promise((resolve) => {
      this.onHeld = resolve;
    });
  }

  /**
   * Every message from now on is read but never answered, until `accept()`: a sender that dies
   * meanwhile delivered none of them (each is `abandoned` once its connection closes).
   */
  holdAll(): void {
    this.hold();
    this.holdEvery = true;
  }

  /** How many messages wait for an answer now. */
  get held(): number {
    return this.holding;
  }

  releaseHeld(): void {
    this.release?.();
  }

  refuse(code: number, message: string): void {
    this.refuseWith = { code, message };
  }

  /** Every recipient is refused at RCPT TO with this reply, until `accept()`. */
  refuseRecipients(code: number, message: string): void {
    this.refuseRcptWith = { code, message };
  }

  /** This one address is refused at RCPT TO with this reply (e.g. 550 5.1.1), until `accept()`. */
  refuseAddress(address: string, code: number, message: string): void {
    this.refusedAddresses.set(address.toLowerCase(), { code, message });
  }

  accept(): void {
    this.refuseWith = undefined;
    this.refuseRcptWith = undefined;
    this.refusedAddresses.clear();
    this.holdEvery = false;
  }

  async stop(): Promise<void> {
    this.release?.();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private onHeld?: () => void;
  private readonly closeWatchers = new Map<string, () => void>();

  private async receive(
    stream: NodeJS.ReadableStream,
    session: { id: string; envelope: { mailFrom: { address: string } | false; rcptTo: Array<{ address: string }> } },
    callback: (error?: Error | null) => void,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch {
      // The sender went away before the end of the data: nothing was delivered.
      return;
    }
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw);
    const message: SinkMessage = {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
      messageId: parsed.messageId,
      subject: parsed.subject,
      parsed,
      raw,
    };
    if (this.refuseWith) {
      const error = Object.assign(new Error(this.refuseWith.message), { responseCode: this.refuseWith.code });
      callback(error);
      return;
    }
    const heldForAddress = this.holdAddress !== undefined && message.to.includes(this.holdAddress);
    if (this.holdNext || this.holdEvery || heldForAddress) {
      this.holdNext = false;
      if (heldForAddress) this.holdAddress = undefined;
      this.holding += 1;
      const socketClosed = new Promise<'closed'>((resolve) =>
        this.closeWatchers.set(session.id, () => resolve('closed')),
      );
      const released = new Promise<'released'>((resolve) => {
        this.release = () => resolve('released');
      });
      this.onHeld?.();
      // SMTP semantics: a message is delivered only once the server has said 250 to the sender.
      const outcome = await Promise.race([released, socketClosed]);
      this.holding -= 1;
      if (outcome === 'closed') {
        this.abandoned.push(message);
        return;
      }
    }
    this.accepted.push(message);
    callback();
  }
}

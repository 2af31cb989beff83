import type { SMTPServerDataStream } from 'smtp-server';

/** Options of {@link receiveMessage}. */
export interface ReceiveMessageOptions {
  /** A larger message is refused with 552 and this text, and not kept in memory. */
  maxBytes: number;
  tooLarge: string;
  /**
   * Takes the whole raw message; what it resolves to is the text of the 250 answer. A rejection
   * with a `responseCode` is answered with that code, any other with 451 (try again later).
   */
  handle: (raw: Buffer) => Promise<string>;
  /** Messages being handled stay here until answered, so a server can wait for them when it stops. */
  inFlight: Set<Promise<void>>;
}

/**
 * Reads one message of an smtp-server `onData` and answers its sender exactly once, after
 * `handle` settles: a sender is told 250 only once the message is dealt with.
 */
export function receiveMessage(
  stream: SMTPServerDataStream,
  callback: (err?: Error | null, message?: string) => void,
  options: ReceiveMessageOptions,
): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let answered = false;
  const answer = (err: Error | null, text?: string) => {
    if (answered) return;
    answered = true;
    callback(err, text);
  };
  stream.on('data', (chunk: Buffer) => {
    received += chunk.length;
    // Past the limit the message is refused anyway; don't hold it in memory.
    if (received <= options.maxBytes) chunks.push(chunk);
  });
  stream.on('error', (err: Error) => answer(smtpError(451, `Message not read: ${err.message}`)));
  stream.on('end', () => {
    if (stream.sizeExceeded || received > options.maxBytes) {
      answer(smtpError(552, options.tooLarge));
      return;
    }
    const task = options.handle(Buffer.concat(chunks, received)).then(
      (text) => answer(null, text),
      (err: unknown) =>
        answer(
          typeof (err as { responseCode?: unknown }).responseCode === 'number'
            ? (err as Error)
            : smtpError(451, `Try again later: ${err instanceof Error ? err.message : String(err)}`),
        ),
    );
    options.inFlight.add(task);
    void task.finally(() => options.inFlight.delete(task));
  });
}

/** An error smtp-server answers with `responseCode`. */
export function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

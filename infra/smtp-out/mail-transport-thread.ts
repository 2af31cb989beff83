import type { SendMailOptions } from 'nodemailer';
import { startThread, threadCalls } from '../process/thread-calls.js';
import type { MailSender, MailTransportConfig, SentInfo } from './mail-transport.js';

export type TransportRequest = { id: number; message: SendMailOptions };
/** How a message went: what nodemailer's info says of it, or its error's own fields (smtp-errors.ts reads them). */
export type TransportAnswer = { id: number; info: SentInfo } | { id: number; error: ErrorFields };
export type ErrorFields = Record<string, string | number | boolean | string[]>;

/**
 * The transport of `createMailTransport` on a thread of its own: composing each message and speaking SMTP then use
 * the second core instead of the worker's event loop, where they made every SMTP exchange wait behind the
 * database's statements (bench/README.md, 2026-12-06). A failure comes back as an Error with nodemailer's fields
 * (`code`, `responseCode`, `response`, `command`…), so it is classified as the same failure sent in-process.
 */
export function startMailTransportThread(config: MailTransportConfig): MailSender {
  const thread = startThread(import.meta.url, 'mail-transport-worker', config);
  const calls = threadCalls<TransportAnswer>(thread, "The mail transport's thread", (answer) =>
    'info' in answer
      ? { value: answer.info }
      : { error: Object.assign(new Error(String(answer.error.message)), answer.error) },
  );
  thread.on('message', calls.settle);
  return {
    sendMail: (message) => calls.call<SentInfo>({ message }),
    close() {
      void thread.terminate();
    },
  };
}

import { parentPort, workerData } from 'node:worker_threads';
import { createMailTransport, type MailTransportConfig } from './mail-transport.js';
import type { ErrorFields, TransportAnswer, TransportRequest } from './mail-transport-thread.js';

// The mail transport's thread (mail-transport-thread.ts): sends what the main thread hands it, and says how it went.

const port = parentPort!;
const transport = createMailTransport(workerData as MailTransportConfig);

/** An error's message, name and own plain fields (`rejected`: addresses): what crosses to the main thread. */
function fieldsOf(error: unknown): ErrorFields {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: ErrorFields = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    const plain = ['string', 'number', 'boolean'].includes(typeof value);
    if (plain || (Array.isArray(value) && value.every((item) => typeof item === 'string'))) fields[key] = value;
  }
  return fields;
}

port.on('message', ({ id, message }: TransportRequest) => {
  transport.sendMail(message).then(
    ({ messageId, response, accepted, rejected }) =>
      port.postMessage({ id, info: { messageId, response, accepted, rejected } } satisfies TransportAnswer),
    (error: unknown) => port.postMessage({ id, error: fieldsOf(error) } satisfies TransportAnswer),
  );
});

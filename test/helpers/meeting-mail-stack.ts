import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { recordImipReplies } from '../../app/imip-replies.js';
import { createRsvpSignaller } from '../../client/signal-rsvp.js';
import { startImipListener, type ImipListener } from '../../infra/smtp-in/imip-listener.js';
import type { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { buildHttpApp } from '../../server/app.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { createConcertoWorker } from '../../worker/create-worker.js';
import { TEST_LINKS, workflowBundle } from './temporal.js';

/** A meeting's mail round trip as `npm start` wires it: a worker, the HTTP app with RSVP links, the iMIP listener. */
export interface MeetingMailStack {
  app: FastifyInstance;
  imip: ImipListener;
  /** Closes the app and the listener, then drains the worker. */
  stop(): Promise<void>;
}

/** Starts it on `taskQueue`, sending through `transport` from `organizer`, the answers signalled to the meetings. */
export async function startMeetingMailStack(options: {
  env: TestWorkflowEnvironment;
  db: Database;
  taskQueue: string;
  transport: ReturnType<typeof createMailTransport>;
  organizer: string;
}): Promise<MeetingMailStack> {
  const { env, db, taskQueue, transport, organizer } = options;
  const worker = await createConcertoWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    store: createStore(db.prisma),
    transport,
    mailFrom: `Concerto <${organizer}>`,
    links: TEST_LINKS,
    workflowBundle: workflowBundle(),
  });
  const running = worker.run();
  const onRsvp = createRsvpSignaller(env.client);
  const app = buildHttpApp({
    client: env.client,
    store: createStore(db.prisma),
    taskQueue,
    probes: { temporal: async () => undefined, database: () => db.ping() },
    rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl, onRsvp },
  });
  const imip = await startImipListener({
    organizers: [organizer],
    onReply: recordImipReplies({ meetings: createStore(db.prisma).meetings, onRsvp }),
  });
  return {
    app,
    imip,
    async stop() {
      await app.close();
      await imip.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

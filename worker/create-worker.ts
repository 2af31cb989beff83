import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createAgendaActivities } from '../activities/agenda.js';
import { createAudienceActivities } from '../activities/audience.js';
import { withClassifiedFailures } from '../activities/classified-failures.js';
import { createCalendarActivities } from '../activities/calendar.js';
import { createCaldavPushActivities } from '../activities/caldav-push.js';
import { createConventionCycleActivities } from '../activities/convention-cycle.js';
import { createFicheContentActivities } from '../activities/fiche-content.js';
import { createMailActivities } from '../activities/mail.js';
import { createMeetingMailActivities } from '../activities/meeting-mail.js';
import { createMeetingActivities } from '../activities/meetings.js';
import { createPlanActivities } from '../activities/plan-actions.js';
import { createPollMailActivities } from '../activities/poll-mail.js';
import { createPollActivities } from '../activities/polls.js';
import { createRetentionActivities } from '../activities/retention.js';
import { createPartnerOpinionMailActivities } from '../activities/partner-opinion-mail.js';
import { createStoreActivities } from '../activities/store.js';
import { addressOf } from '../documents/mail/addresses.js';
import { passwordBox } from '../infra/caldav/password-box.js';
import type { ConcertoConfig } from '../infra/config.js';
import type { MailSender } from '../infra/smtp-out/mail-transport.js';
import type { Store } from '../store/index.js';
import { TASK_QUEUE } from '../workflows/definitions.js';

export interface ConcertoWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  store: Store;
  transport: MailSender;
  mailFrom: string;
  /** Signed links in meeting and poll mails: the web pages' base URL and the secret they are signed with. */
  links: { publicUrl: string; secret: string };
  /** The secret sealing the linked CalDAV calendars' app passwords (CALDAV_SECRET); the links' secret unless set. */
  calendarSecret?: string;
  taskQueue?: string;
  /** A prebuilt bundle (tests build one per run); without it the worker bundles `workflows/`. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Workflows kept in memory between their tasks (the sticky cache); the SDK sizes it from the heap otherwise. */
  maxCachedWorkflows?: number;
}

/** What the activities depend on: the store, the mail transport and the signed links. */
export type ActivityDependencies = Pick<
  ConcertoWorkerOptions,
  'store' | 'transport' | 'mailFrom' | 'links' | 'calendarSecret'
>;

/** A worker's tuning from the configuration: its sticky cache, its workflows bundled beforehand. */
export function workerTuning(
  config: Pick<ConcertoConfig, 'maxCachedWorkflows' | 'workflowBundlePath'>,
): Pick<ConcertoWorkerOptions, 'maxCachedWorkflows' | 'workflowBundle'> {
  return {
    ...(config.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.maxCachedWorkflows } : {}),
    ...(config.workflowBundlePath ? { workflowBundle: { codePath: config.workflowBundlePath } } : {}),
  };
}

/** The only place real activities are wired to their dependencies. */
export async function createConcertoWorker(options: ConcertoWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities: createActivities(options),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : BUNDLING),
  });
}

/** Every activity the worker registers, by name, each with its failures classified once (retry or not). */
export function createActivities(options: ActivityDependencies) {
  const { store } = options;
  const mail = createMailActivities({ transport: options.transport, ledger: store.mailLedger, from: options.mailFrom });
  return withClassifiedFailures({
    ...createStoreActivities(store.fiches),
    ...createFicheContentActivities(store.fiches),
    ...createAgendaActivities(store.meetings),
    ...createAudienceActivities(store.fiches, mail.sendNotification),
    ...createMeetingActivities({ meetings: store.meetings, fiches: store.fiches, openData: store.openData }),
    ...createCalendarActivities({ conventions: store.conventions, meetings: store.meetings }),
    ...createConventionCycleActivities({
      conventions: store.conventions,
      fiches: store.fiches,
      meetings: store.meetings,
      publicUrl: options.links.publicUrl,
    }),
    ...mail,
    ...createMeetingMailActivities({
      meetings: store.meetings,
      send: mail.sendNotification,
      organizerEmail: addressOf(options.mailFrom),
      publicUrl: options.links.publicUrl,
      linkSecret: options.links.secret,
    }),
    ...createCaldavPushActivities({
      calendars: store.calendars,
      meetings: store.meetings,
      passwords: passwordBox(options.calendarSecret ?? options.links.secret),
      organizerEmail: addressOf(options.mailFrom),
    }),
    ...createPollActivities({ polls: store.polls, meetings: store.meetings }),
    ...createRetentionActivities({ privacy: store.privacy }),
    ...createPlanActivities({ plans: store.plans, conventions: store.conventions, publicUrl: options.links.publicUrl }),
    ...createPollMailActivities({
      polls: store.polls,
      conventions: store.conventions,
      send: mail.sendNotification,
      publicUrl: options.links.publicUrl,
      linkSecret: options.links.secret,
    }),
    ...createPartnerOpinionMailActivities({
      send: mail.sendNotification,
      resolveAudience: store.fiches.resolveAudience,
      publicUrl: options.links.publicUrl,
      linkSecret: options.links.secret,
    }),
  });
}

/** A module of `workflows/`, as a TypeScript source when run by tsx, or the compiled file from dist/. */
function workflowsModule(name: string): string {
  const url = new URL(`../workflows/${name}`, import.meta.url);
  return `${url.pathname}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`;
}

/** How every worker bundles its workflows: zod and the domain's schemas loaded once for all (shared-modules.ts). */
const BUNDLING = {
  workflowsPath: workflowsModule('index'),
  bundlerOptions: { preloadModules: [workflowsModule('shared-modules')] },
} satisfies Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'>;

/** The workflows bundled as every worker runs them. */
export function bundleWorkflows(): ReturnType<typeof bundleWorkflowCode> {
  return bundleWorkflowCode({
    workflowsPath: BUNDLING.workflowsPath,
    ...BUNDLING.bundlerOptions,
    logger: new DefaultLogger('WARN'),
  });
}

/**
 * Bundles the workflows into `file` (`npm run build:workflows`, TEMPORAL_WORKFLOW_BUNDLE): a worker given it does
 * not run webpack at start, nor keep the memory webpack took (bench/README.md). Rebuild it with every deploy.
 */
export async function writeWorkflowBundle(file: string): Promise<void> {
  const { code } = await bundleWorkflows();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, code);
}

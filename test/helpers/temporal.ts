import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

let bundleCode: string | undefined;

/** The workflow bundle built once per run by the global setup. */
export function workflowBundle(): { code: string } {
  bundleCode ??= readFileSync(inject('workflowBundlePath'), 'utf8');
  return { code: bundleCode };
}

/** A unique task queue per test, so tests sharing a server never steal each other's tasks. */
export function uniqueTaskQueue(name = 'test'): string {
  return `${name}-${randomUUID()}`;
}

type CreateOptions = {
  server: { type: 'existing' };
  supportsTimeSkipping: boolean;
  address: string;
  namespace: string;
  connectionOptions: Record<string, never>;
};

/**
 * This worker's time-skipping test server. The SDK's public `createFromExistingServer` always turns
 * time skipping off, so this goes through the factory it wraps, with time skipping on.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const factory = TestWorkflowEnvironment as unknown as {
    create(options: CreateOptions): Promise<TestWorkflowEnvironment>;
  };
  return factory.create({
    server: { type: 'existing' },
    supportsTimeSkipping: true,
    address: ownTimeSkippingAddress(),
    namespace: 'default',
    connectionOptions: {},
  });
}

/** This worker's time-skipping server: files running at the same time never share a clock. */
function ownTimeSkippingAddress(): string {
  const addresses = inject('timeSkippingAddresses');
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  return addresses[(worker - 1) % addresses.length]!;
}

/** The run's dev server: a full Temporal, real time. */
export async function devServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('devServerAddress') });
}

/** The secret test workers sign meeting links with (LINK_SECRET wants 32 bytes or more). */
export const TEST_LINKS = {
  publicUrl: 'http://concerto.test',
  secret: 'test-link-secret-0123456789abcdef-0123456789',
} as const;

/**
 * A standalone worker (`npm run worker`) in its own process on the run's dev server, with the run's workflow bundle
 * (TEMPORAL_WORKFLOW_BUNDLE, as a deploy gives it) and the tests' link secret.
 */
export function startTestWorkerProcess(options: {
  taskQueue: string;
  databaseUrl: string;
  smtpUrl: string;
}): WorkerProcess {
  return startWorkerProcess({
    ...options,
    temporalAddress: inject('devServerAddress'),
    linkSecret: TEST_LINKS.secret,
    env: { TEMPORAL_WORKFLOW_BUNDLE: inject('workflowBundlePath') },
  });
}

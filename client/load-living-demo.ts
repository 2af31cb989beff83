import type { Client } from '@temporalio/client';
import { DEMO_CONVENTION_SLUG } from '../store/conventions/load-demo.js';
import type { ImportSummary } from '../store/conventions/import-convention-setup.js';
import type { Store } from '../store/index.js';
import { LIVE_DEMO_STEPS, bringDemoToLife, type LiveDemoSummary } from './live-demo.js';

/** How long loading the demo may wait on Temporal: its three sessions alone take a minute or more. */
const DEMO_TEMPORAL_DEADLINE_MS = 5 * 60_000;

const NOT_ANIMATED: LiveDemoSummary = { animated: false, meetings: 0, fiches: 0, answers: 0, votes: 0, seconds: 0 };

/** The demo loaded: its setup, as an import counts it, and what bringing it to life added. */
export type LivingDemoSummary = ImportSummary & { slug: string; live: LiveDemoSummary };

/**
 * `concerto demo`, POST /api/demo and the admin's page: the demo convention's setup imported (loading it again
 * changes nothing), then brought to life from `now` (client/live-demo.ts) unless it is alive already. The progress
 * counts the import's records, then the living demo's steps.
 */
export async function loadLivingDemo(
  deps: { client: Client; store: Store; taskQueue: string },
  options: {
    now: Date;
    onProgress?: ((done: number, total: number, step: string) => void) | undefined;
    /** False: the setup only, as `npm start` loads it into an empty database. */
    live?: boolean;
  },
): Promise<LivingDemoSummary> {
  const { onProgress } = options;
  // The import's records first, then the living demo's steps: one count that only goes up.
  let imported = 0;
  const setup = await deps.store.conventions.loadDemo((done, total, step) => {
    imported = total;
    onProgress?.(done, total + LIVE_DEMO_STEPS.length, step);
  });
  const convention = await deps.store.conventions.findBySlug(DEMO_CONVENTION_SLUG);
  if (!convention) throw new Error(`the demo convention ${DEMO_CONVENTION_SLUG} is not there after its import`);
  if (options.live === false) return { slug: DEMO_CONVENTION_SLUG, ...setup, live: NOT_ANIMATED };
  const live = await deps.client.withDeadline(Date.now() + DEMO_TEMPORAL_DEADLINE_MS, () =>
    bringDemoToLife(deps, convention.id, {
      now: options.now,
      ...(onProgress ? { onProgress: (done, total, step) => onProgress(imported + done, imported + total, step) } : {}),
    }),
  );
  return { slug: DEMO_CONVENTION_SLUG, ...setup, live };
}

import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention.js';
import { durationUntil } from '../domain/paris-time.js';
import { STORE_ACTIVITY } from './activity-options.js';
import {
  RETENTION_ACTOR,
  retentionChangedSignal,
  retentionStateQuery,
  type RetentionInput,
  type RetentionState,
} from './retention-definitions.js';

const retention = proxyActivities<RetentionActivities>(STORE_ACTIVITY);

/**
 * A convention's personal data, kept until its end plus its retention period: then its people no
 * longer seated anywhere are anonymised (store/privacy), decisions and audit kept under a
 * pseudonym, and the workflow ends. A prolongation or a new retention period signals it, and it
 * reads the due date again; a run already recorded (the workflow restarted) ends it at once.
 */
export async function retentionWorkflow(input: RetentionInput): Promise<RetentionState> {
  const state: RetentionState = { conventionId: input.conventionId, due: null, anonymisedAt: null, anonymised: null };
  let changes = 0;
  setHandler(retentionChangedSignal, () => void changes++);
  setHandler(retentionStateQuery, () => state);
  for (;;) {
    const seen = changes;
    const facts = await retention.loadRetention(input.conventionId);
    state.due = facts.due;
    if (facts.anonymisedAt) {
      state.anonymisedAt = facts.anonymisedAt;
      return state;
    }
    const wait = durationUntil(new Date(), new Date(facts.due));
    if (wait > 0 && (await condition(() => changes !== seen, wait))) continue;
    const at = new Date().toISOString();
    const result = await retention.anonymiseDeparted({ conventionId: input.conventionId, at, actor: RETENTION_ACTOR });
    // Not due after all (the end moved while the timer ran): read the dates again.
    if (!result) continue;
    state.anonymisedAt = at;
    state.anonymised = result.anonymised.length;
    return state;
  }
}

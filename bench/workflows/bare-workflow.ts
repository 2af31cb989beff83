import { condition, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

const { touch } = proxyActivities<{ touch(step: number): Promise<number> }>({ startToCloseTimeout: '10 seconds' });

/** An update with no logic: the bench sends as many as the workflow it stands in for accepts. */
export const touchUpdate = defineUpdate<number, [number]>('touch');

/**
 * The floor a real workflow is compared with: the same number of activities, timers and updates,
 * no logic. It ends once its activities and timers are done and all `updates` have arrived.
 */
export async function bareWorkflow(input: { activities: number; timers: number; updates?: number }): Promise<number> {
  let received = 0;
  setHandler(touchUpdate, (step) => {
    received += 1;
    return step;
  });
  let total = 0;
  for (let step = 0; step < input.activities; step += 1) total += await touch(step);
  for (let step = 0; step < input.timers; step += 1) await sleep(1);
  await condition(() => received >= (input.updates ?? 0));
  return total;
}

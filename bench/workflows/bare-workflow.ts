import {
  condition,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';

type Touch = { touch(step: number): Promise<number> };
const { touch } = proxyActivities<Touch>({ startToCloseTimeout: '10 seconds' });
const { touch: touchLocally } = proxyLocalActivities<Touch>({ startToCloseTimeout: '10 seconds' });

/** An update with no logic: the bench sends as many as the workflow it stands in for accepts. */
export const touchUpdate = defineUpdate<number, [number]>('touch');

/**
 * The floor a real workflow is compared with: the same number of activities (local ones too), timers and
 * updates, no logic. It ends once its activities and timers are done and all `updates` have arrived.
 */
export async function bareWorkflow(input: {
  activities: number;
  localActivities?: number;
  timers: number;
  updates?: number;
}): Promise<number> {
  let received = 0;
  setHandler(touchUpdate, (step) => {
    received += 1;
    return step;
  });
  let total = 0;
  for (let step = 0; step < (input.localActivities ?? 0); step += 1) total += await touchLocally(step);
  for (let step = 0; step < input.activities; step += 1) total += await touch(step);
  for (let step = 0; step < input.timers; step += 1) await sleep(1);
  await condition(() => received >= (input.updates ?? 0));
  return total;
}

import { proxyActivities, sleep } from '@temporalio/workflow';

const { touch } = proxyActivities<{ touch(step: number): Promise<number> }>({ startToCloseTimeout: '10 seconds' });

/** The floor a real workflow is compared with: the same number of activities and timers, no logic. */
export async function bareWorkflow(input: { activities: number; timers: number }): Promise<number> {
  let total = 0;
  for (let step = 0; step < input.activities; step += 1) total += await touch(step);
  for (let step = 0; step < input.timers; step += 1) await sleep(1);
  return total;
}

import { setTimeout as sleep } from 'node:timers/promises';

/** Ends a `persist` at once: trying again cannot help (the workflow ended, a rule refuses the step). */
export class GiveUp extends Error {}

/** Until when the harness keeps trying, and where it says what goes wrong. */
export interface Patience {
  deadline: number;
  log(line: string): void;
}

/**
 * Calls `attempt` until it gives a value: `undefined` means "not yet" (asked again in a second,
 * silently), an error is logged once per distinct message and tried again after a pause growing
 * to 5 s. A GiveUp, or the deadline passing, ends it with the error.
 */
export async function persist<T>(what: string, attempt: () => Promise<T | undefined>, patience: Patience): Promise<T> {
  let pauseMs = 1000;
  let lastMessage = '';
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      pauseMs = 1000;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      if (message !== lastMessage) patience.log(`${what}: ${message} (trying again)`);
      lastMessage = message;
      pauseMs = Math.min(pauseMs * 1.5, 5000);
    }
    if (Date.now() + pauseMs > patience.deadline) throw new GiveUp(`${what}: gave up at the deadline`);
    await sleep(pauseMs);
  }
}

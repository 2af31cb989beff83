import { createCalendarAnswerReader, type CalendarAnswerDependencies } from '../activities/caldav-answers.js';

/**
 * Reads back, every `everyMs`, the answers members give in their linked CalDAV calendars (a
 * round at a time; a round that fails is logged and the next one comes). Stopped with the app.
 */
export function startCalendarAnswerPolling(
  deps: CalendarAnswerDependencies & { log: (line: string) => void },
  everyMs: number,
): { stop(): Promise<void> } {
  const read = createCalendarAnswerReader(deps);
  let round: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    round = round.then(() =>
      read().then(
        () => undefined,
        (error: unknown) => deps.log(`caldav: reading answers failed: ${(error as Error).message}`),
      ),
    );
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}

import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Actor } from '../domain/lifecycle/model.js';
import { assertMayPlanCalendar } from '../domain/meeting-recurrence.js';
import { toLocal } from '../domain/paris-time.js';
import type { Store } from '../store/index.js';
import {
  calendarWorkflowId,
  reloadRulesUpdate,
  type CalendarYearInput,
  type CalendarYearState,
} from '../workflows/calendar-definitions.js';

export type SetCalendarRulesResult =
  { started: true; workflowId: string; year: number } | { started: false; state: CalendarYearState };

/**
 * Sets a convention's calendar rules: stored first (checked there: shapes, instances, one rule an
 * instance), then the calendar workflow told to read them again, or started for the current year
 * when none runs. The store is the one source: if telling the workflow fails, the rules stand
 * and the caller may send them again (the same rules change nothing); the workflow also reads
 * them at each year's start, so it never keeps old rules past the year.
 */
export async function setCalendarRules(
  deps: { client: Client; store: Store; taskQueue: string },
  conventionId: string,
  rules: unknown,
  actor: Actor,
  now = new Date(),
): Promise<SetCalendarRulesResult> {
  assertMayPlanCalendar(actor);
  await deps.store.conventions.saveMeetingRules({ conventionId, rules, actorEmail: actor.email, at: now });
  const handle = deps.client.workflow.getHandle(calendarWorkflowId(conventionId));
  const reload = async (): Promise<SetCalendarRulesResult> => ({
    started: false,
    state: await handle.executeUpdate(reloadRulesUpdate, { args: [{ actor }] }),
  });
  const running = await handle.describe().then(
    (d) => d.status.name === 'RUNNING',
    () => false,
  );
  if (running) return reload();
  const input: CalendarYearInput = { conventionId, year: toLocal(now).year };
  try {
    await deps.client.workflow.start('calendarYearWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: handle.workflowId,
      args: [input],
    });
  } catch (error) {
    // Started meanwhile by another request: tell it instead.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return reload();
    throw error;
  }
  return { started: true, workflowId: handle.workflowId, year: input.year };
}

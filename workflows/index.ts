// The workflow bundle's entry: every workflow type the worker registers, each loaded when a workflow of its type
// starts. A workflow loads its own copy of the modules it imports (Temporal's reusable V8 context keeps a module
// cache per workflow), except those shared by all (shared-modules.ts): a fiche's workflow loads no copy of its own of
// the polls', meetings' or calendars' workflow modules (bench/README.md, 2026-12-07). Eager: no chunk to fetch.

type WorkflowFunction = (...args: never[]) => Promise<unknown>;

/** The workflow `name` of the module `load` gives, under the same name and type. */
function loadedWhenStarted<M extends Record<K, WorkflowFunction>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): M[K] {
  return (async (...args: Parameters<M[K]>) => (await load())[name](...args)) as M[K];
}

export const datePollWorkflow = loadedWhenStarted(
  () => import(/* webpackMode: "eager" */ './date-poll.js'),
  'datePollWorkflow',
);
export const ficheLifecycleWorkflow = loadedWhenStarted(
  () => import(/* webpackMode: "eager" */ './fiche-lifecycle.js'),
  'ficheLifecycleWorkflow',
);
export const meetingWorkflow = loadedWhenStarted(
  () => import(/* webpackMode: "eager" */ './meeting.js'),
  'meetingWorkflow',
);
export const calendarYearWorkflow = loadedWhenStarted(
  () => import(/* webpackMode: "eager" */ './calendar-year.js'),
  'calendarYearWorkflow',
);
export const conventionCycleWorkflow = loadedWhenStarted(
  () => import(/* webpackMode: "eager" */ './convention.js'),
  'conventionCycleWorkflow',
);
export const retentionWorkflow = loadedWhenStarted(
  () => import(/* webpackMode: "eager" */ './retention.js'),
  'retentionWorkflow',
);
export const planActionsWorkflow = loadedWhenStarted(
  () => import(/* webpackMode: "eager" */ './plan-actions.js'),
  'planActionsWorkflow',
);

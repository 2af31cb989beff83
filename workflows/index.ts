// The workflow bundle's entry: every workflow type the worker registers.
export { datePollWorkflow } from './date-poll.js';
export { ficheLifecycleWorkflow } from './fiche-lifecycle.js';
export { meetingWorkflow } from './meeting.js';
export { calendarYearWorkflow } from './calendar-year.js';
export { conventionCycleWorkflow } from './convention.js';
export { retentionWorkflow } from './retention.js';
export { planActionsWorkflow } from './plan-actions.js';

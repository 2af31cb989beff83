import type { ActivityOptions } from '@temporalio/workflow';
import { DOMAIN_ERROR_CODES } from '../domain/errors.js';

// Every activity's retry policy, in one place. What is worth a retry is decided once where the
// failure is raised (activities/classified-failures.ts for the database and domain errors,
// infra/smtp-out/smtp-errors.ts for SMTP): those raise non-retryable failures, and the types below
// are never retried even if one came back marked retryable.

/** A person's input refused (a domain rule, or a value the database refuses: DATA_REFUSED). */
const REFUSALS = Object.keys(DOMAIN_ERROR_CODES);

/**
 * Store activities: short; a lost connection, a deadlock or a serialization failure is retried
 * with backoff until the database answers; a refused value fails the step (its update answers it,
 * the workflow stays at its step).
 */
export const STORE_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: REFUSALS,
  },
};

/**
 * Mail activities: heartbeats let a new worker take over a send quickly when the one sending dies.
 * A relay out of reach (4xx, connection refused, 535) is retried with backoff for a day; the last
 * attempt the policy leaves before scheduleToCloseTimeout gives up by itself — the line failed,
 * « relais injoignable », the organiser and the coordinators told — and returns, so no workflow
 * fails from mail (activities/mail.ts). A recipient refused for good returns at once, the same way.
 */
export const MAIL_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 minutes',
    nonRetryableErrorTypes: ['ICAL_MISMATCH', ...REFUSALS],
  },
};

/**
 * Writing a meeting into linked CalDAV calendars (activities/caldav-push.ts): a calendar server
 * out of reach is tried again with backoff for about an hour (12 attempts), then given up: the
 * workflow records it on the person's page and in the audit log and goes on. A calendar refusing
 * the account is recorded at once by the activity, never retried.
 */
export const CALDAV_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '15 minutes',
    maximumAttempts: 12,
    nonRetryableErrorTypes: REFUSALS,
  },
};

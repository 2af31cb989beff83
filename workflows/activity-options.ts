import type { ActivityOptions } from '@temporalio/workflow';

/** Store activities: short, retried until the database answers. */
export const STORE_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** Mail activities: heartbeats let a new worker take over a send quickly when the one sending dies. */
export const MAIL_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
};

import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every state change at INFO: keep test output to what matters.
Runtime.install({ logger: new DefaultLogger('WARN') });

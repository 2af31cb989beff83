/**
 * How many test files run at once (vitest's `maxWorkers`), and so how many time-skipping servers the run starts: a
 * worker's files share one (`VITEST_POOL_ID`), never two workers. `TEST_WORKERS=1` runs the files one by one.
 */
export const TEST_WORKERS = Math.max(1, Number(process.env.TEST_WORKERS ?? 2) || 1);

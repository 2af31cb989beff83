import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../helpers/temporal.js';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import { historyWorkflowId, SCENARIOS } from './scenarios.js';

const HISTORIES_DIR = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const committed = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => path.basename(file, '.json'))
  .sort();

function loadHistory(scenario: string): History {
  return historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, `${scenario}.json`), 'utf8')));
}

function replay(scenario: string, history: History): Promise<void> {
  return Worker.runReplayHistory(
    { workflowBundle: workflowBundle(), replayName: scenario },
    history,
    historyWorkflowId(scenario),
  );
}

const RERECORD_HINT =
  'If you changed the workflow on purpose (and no workflow started before the change can still be running, ' +
  'or the change is behind patched()), re-record with `npm run histories:record` and commit the new histories. ' +
  'Otherwise the change is not deterministic: workflows already running would fail on the new code.';

describe('replay of the committed workflow histories (test/fixtures/histories)', () => {
  it('has one committed history per scenario in test/replay/scenarios.ts', () => {
    expect(committed, `Run \`npm run histories:record\` after adding, renaming or removing a scenario.`).toEqual(
      Object.keys(SCENARIOS).sort(),
    );
  });

  it.each(committed)('%s replays on the current workflow code', async (scenario) => {
    const error = await replay(scenario, loadHistory(scenario)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(
      error,
      `Replaying test/fixtures/histories/${scenario}.json failed: ${
        error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      }\n${RERECORD_HINT}`,
    ).toBeUndefined();
  });

  it(
    'fails with DeterminismViolationError on a history ' + 'altered to schedule another activity (the test can fail)',
    async () => {
      const scenario = committed[0];
      expect(scenario, 'no committed history to alter').toBeDefined();
      const history = loadHistory(scenario!);
      const scheduled = history.events?.find((event) => event.activityTaskScheduledEventAttributes?.activityType)
        ?.activityTaskScheduledEventAttributes?.activityType;
      expect(scheduled?.name, 'the history schedules no activity').toBeTruthy();
      // The workflow code still schedules the original activity: replay must refuse the history.
      scheduled!.name = `${scheduled!.name}Renamed`;

      const error = await replay(scenario!, history).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DeterminismViolationError);
      expect((error as Error).message).toMatch(/Renamed/);
    },
  );
});

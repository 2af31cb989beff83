import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Python's icalendar (from PyPI), the second reader the feed test checks our iCalendar with
// (test/integration/feed-readers.test.ts), installed by postinstall into .python/ the way the Temporal
// wheels are: `pip install --target` into a staging folder, moved in once complete.

export const PYTHON_ICALENDAR_VERSION = '7.3.0';

/** Where it is installed: the PYTHONPATH that imports it. */
export const PYTHON_ICALENDAR_DIR = fileURLToPath(
  new URL(`../.python/icalendar-${PYTHON_ICALENDAR_VERSION}`, import.meta.url),
);

/** Installs it unless it is there already; throws with pip's words when pip fails. */
export async function installPythonIcalendar(): Promise<void> {
  if (existsSync(path.join(PYTHON_ICALENDAR_DIR, `icalendar-${PYTHON_ICALENDAR_VERSION}.dist-info`))) return;
  const staging = `${PYTHON_ICALENDAR_DIR}.staging-${process.pid}`;
  const pip = spawnSync(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--no-cache-dir',
      '--target',
      staging,
      `icalendar==${PYTHON_ICALENDAR_VERSION}`,
    ],
    { encoding: 'utf8' },
  );
  if (pip.error || pip.status !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(
      `python3 -m pip install icalendar==${PYTHON_ICALENDAR_VERSION} failed ` +
        `(${pip.error?.message ?? `exit ${pip.status}`}): ${pip.stderr?.trim().split('\n').slice(-3).join(' ')}`,
    );
  }
  await rm(PYTHON_ICALENDAR_DIR, { recursive: true, force: true });
  await rename(staging, PYTHON_ICALENDAR_DIR);
}

import { open, readFile, rm } from 'node:fs/promises';
import { isProcessAlive } from '../../infra/process/processes.js';

/** The folder is in use by a live process. */
export class FolderLockedError extends Error {
  readonly code = 'FOLDER_LOCKED';
  constructor(
    readonly lockFile: string,
    readonly holderPid: number,
  ) {
    super(`${lockFile} is held by process ${holderPid}`);
  }
}

/**
 * Takes an exclusive lock file holding this process's pid, so one process at a time opens a
 * PGlite folder (PGlite itself does not lock it: two processes would corrupt it). A lock left by
 * a process that died is taken over. Returns the release function.
 */
export async function lockFolder(lockFile: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) {
        throw new FolderLockedError(lockFile, holder);
      }
      await rm(lockFile, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockFile}: another process keeps taking it.`);
}

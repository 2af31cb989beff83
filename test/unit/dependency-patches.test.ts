import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPatch } from '../../scripts/patch-dependencies.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PATCH = path.join(ROOT, 'patches', 'ical-generator+11.1.2.patch');

/** ical-generator 11.1.2's foldLines as released: the bytes the patched one must keep. */
function releasedFoldLines(input: string): string {
  return input
    .split('\r\n')
    .map((line) => {
      if (line.length <= 74 && /^\p{ASCII}*$/u.test(line)) return line;
      let result = '';
      let octets = 0;
      for (let i = 0; i < line.length; i++) {
        let ch = line.charAt(i);
        const code = line.charCodeAt(i);
        let size: number;
        if (code < 0x80) size = 1;
        else if (code < 0x800) size = 2;
        else if (code >= 0xd800 && code <= 0xdbff) {
          ch += line.charAt(++i);
          size = 4;
        } else size = 3;
        octets += size;
        if (octets > 74) {
          result += '\r\n ';
          octets = size;
        }
        result += ch;
      }
      return result;
    })
    .join('\r\n');
}

// Pieces that exercise every width: ASCII, 2- and 3-byte UTF-8, a surrogate pair, lone halves, line breaks.
const PIECES = ['a', ' ', ';', 'é', '’', '€', '😀', '\ud83d', '\ude00', '\r\n', '\n', 'x'.repeat(73), 'ü'.repeat(40)];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 120 }).map((pieces) => pieces.join(''));

describe('the ical-generator patch (patches/, applied by postinstall)', () => {
  let copy: string;
  let patched: { mjs: (input: string) => string; cjs: (input: string) => string };

  beforeAll(async () => {
    copy = await mkdtemp(path.join(os.tmpdir(), 'concerto-patch-'));
    await cp(path.join(ROOT, 'node_modules', 'ical-generator'), copy, { recursive: true });
    // The installed package may be patched already (postinstall ran): applying it then changes nothing.
    await applyPatch(await readFile(PATCH, 'utf8'), copy);
    const mjs = (await import(pathToFileURL(path.join(copy, 'dist', 'index.mjs')).href)) as {
      foldLines: (input: string) => string;
    };
    const cjs = createRequire(import.meta.url)(path.join(copy, 'dist', 'index.cjs')) as typeof mjs;
    patched = { mjs: mjs.foldLines, cjs: cjs.foldLines };
  });
  afterAll(() => rm(copy, { recursive: true, force: true }));

  it('is in place, and applying it again changes nothing', async () => {
    const dist = await readFile(path.join(copy, 'dist', 'index.mjs'), 'utf8');
    expect(dist).toContain('t+=e.slice(r,i)+`\\r\n `');
    expect(await applyPatch(await readFile(PATCH, 'utf8'), copy)).toBe(false);
  });

  it('folds every text into the same bytes as the released foldLines', () => {
    fc.assert(
      fc.property(text, (input) => {
        const expected = releasedFoldLines(input);
        expect(patched.mjs(input)).toBe(expected);
        expect(patched.cjs(input)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a file that is neither the released one nor the patched one', async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'concerto-patch-'));
    try {
      await cp(copy, other, { recursive: true });
      await writeFile(path.join(other, 'dist', 'index.cjs'), 'changed\n');
      await expect(applyPatch(await readFile(PATCH, 'utf8'), other)).rejects.toThrow(/index\.cjs.*does not fit/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

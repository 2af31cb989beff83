import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Fixes to installed packages, in the manner of patch-package: each patches/<name>+<version>.patch is a
// unified diff (paths a/… b/… inside the package) applied by postinstall to node_modules/<name>, once: a
// package already patched is left as it is. A patch that fits neither the installed file nor its patched
// form fails the install, as does another version of the package: the patch must then be looked at again.

interface Hunk {
  /** 0-based line of the hunk's first line in the original file. */
  start: number;
  before: string[];
  after: string[];
}

/** The files a unified diff changes, each with its hunks (read by their line counts, as `patch` does). */
function parsePatch(text: string): Map<string, Hunk[]> {
  const files = new Map<string, Hunk[]>();
  let hunks: Hunk[] = [];
  let hunk: Hunk | undefined;
  let left = { before: 0, after: 0 };
  for (const line of text.split('\n')) {
    if (hunk && (left.before > 0 || left.after > 0)) {
      if (line.startsWith('\\')) continue; // « \ No newline at end of file »
      if (!line.startsWith('+')) {
        hunk.before.push(line.slice(1));
        left.before -= 1;
      }
      if (!line.startsWith('-')) {
        hunk.after.push(line.slice(1));
        left.after -= 1;
      }
      continue;
    }
    const file = /^\+\+\+ b\/(.+)$/.exec(line);
    const head = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (file) files.set(file[1]!, (hunks = []));
    else if (head) {
      hunks.push((hunk = { start: Math.max(0, Number(head[1]) - 1), before: [], after: [] }));
      left = { before: Number(head[2] ?? 1), after: Number(head[3] ?? 1) };
    }
  }
  return files;
}

const fits = (lines: string[], at: number, expected: string[]) =>
  expected.every((line, index) => lines[at + index] === line);

/**
 * Applies a unified diff to the package in `directory`; false when every file had it already.
 * Throws naming the file when a hunk fits neither the file nor its patched form.
 */
export async function applyPatch(patch: string, directory: string): Promise<boolean> {
  let changed = false;
  for (const [file, hunks] of parsePatch(patch)) {
    const target = path.join(directory, file);
    const lines = (await readFile(target, 'utf8')).split('\n');
    let shift = 0;
    for (const hunk of hunks) {
      const at = hunk.start + shift;
      if (fits(lines, at, hunk.before)) {
        lines.splice(at, hunk.before.length, ...hunk.after);
        changed = true;
      } else if (!fits(lines, at, hunk.after)) {
        throw new Error(`${target}: the patch does not fit at line ${at + 1}`);
      }
      shift += hunk.after.length - hunk.before.length;
    }
    await writeFile(target, lines.join('\n'));
  }
  return changed;
}

/** Applies every patch of `patchesDir` to its package under `nodeModules`. */
export async function patchDependencies(patchesDir: string, nodeModules: string): Promise<void> {
  for (const name of (await readdir(patchesDir)).filter((file) => file.endsWith('.patch')).sort()) {
    const [, pkg, version] = /^(.+)\+([^+]+)\.patch$/.exec(name) ?? [];
    if (!pkg || !version) throw new Error(`${name}: name it <package>+<version>.patch`);
    const directory = path.join(nodeModules, ...pkg.split('+'));
    const installed = (JSON.parse(await readFile(path.join(directory, 'package.json'), 'utf8')) as { version: string })
      .version;
    if (installed !== version) throw new Error(`${name} is for ${pkg} ${version}, ${installed} is installed`);
    const applied = await applyPatch(await readFile(path.join(patchesDir, name), 'utf8'), directory);
    console.log(`[postinstall] ${pkg} ${version}: ${applied ? 'patched' : 'already patched'} (patches/${name})`);
  }
}

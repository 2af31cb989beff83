// Which CLI `bin/concerto.js` runs: the JavaScript `npm run build:cli` compiled into dist/ (postinstall runs it),
// while every compiled file there is at least as new as its source. A checkout being edited, or one never built,
// gets null: the TypeScript then runs through tsx, slower to start but never stale.
// Not `import … from 'node:fs'`: its ESM facade reads every export, which loads fs streams (a tenth of --help).
const { readdirSync, statSync } = process.getBuiltinModule('node:fs');

/** The folders the CLI is compiled from (it imports domain/ only: ARCHITECTURE.md). */
const SOURCES = ['cli', 'domain'];

/** The URL of the compiled dist/cli/main.js under `root` (a directory URL), or null when absent or stale. */
export function compiledCli(root) {
  try {
    const stale = SOURCES.some((folder) => {
      const built = new URL(`dist/${folder}/`, root);
      return readdirSync(built, { recursive: true }).some((file) => {
        const source = file.endsWith('.js') ? `${file.slice(0, -3)}.ts` : file.endsWith('.json') ? file : null;
        if (source === null) return false;
        return statSync(new URL(`${folder}/${source}`, root)).mtimeMs > statSync(new URL(file, built)).mtimeMs;
      });
    });
    const main = new URL('dist/cli/main.js', root);
    return !stale && statSync(main).isFile() ? main.href : null;
  } catch {
    // No build, or a compiled file whose source is gone.
    return null;
  }
}

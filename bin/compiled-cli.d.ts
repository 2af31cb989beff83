/** The URL of the compiled dist/cli/main.js under `root` (a directory URL), or null when absent or stale. */
export function compiledCli(root: URL): string | null;

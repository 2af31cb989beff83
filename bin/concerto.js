#!/usr/bin/env node
// The `concerto` command (package.json "bin"). It runs the CLI compiled to JavaScript (bin/compiled-cli.js):
// no TypeScript is compiled at start-up. Without a fresh build it runs the sources through tsx, a dependency.
import { compiledCli } from './compiled-cli.js';

const compiled = compiledCli(new URL('..', import.meta.url));
let cli;
if (compiled) {
  cli = await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../cli/main.ts');
}
process.exitCode = await cli.runCli(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
});

#!/usr/bin/env node
// The `concerto` command (package.json "bin"): runs the TypeScript CLI through tsx, a dependency.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr });

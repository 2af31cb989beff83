import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { compiledCli } from '../bin/compiled-cli.js';

// `npm run bench:cli`: how long `concerto` takes to start, in the manner of hyperfine: each command run
// BENCH_RUNS times (default 20), the commands alternated, after one warm-up run each; wall time from spawn to
// exit, and for a verb, from spawn to the first request the app receives (a bare HTTP server here, answering
// 503: what the CLI does after its request is not measured). Beside them the floor, `node -e 0`, and the
// sources run through tsx as `bin/concerto.js` did before the CLI was compiled.

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const ROOT = new URL('..', import.meta.url);
const BIN = fileURLToPath(new URL('bin/concerto.js', ROOT));
const THROUGH_TSX =
  "import { register } from 'tsx/esm/api'; register(); const { runCli } = await import('./cli/main.ts'); " +
  'process.exitCode = await runCli(process.argv.slice(1), process.env, process);';

if (!compiledCli(ROOT)) {
  console.error('dist/cli is missing or older than its sources: run `npm run build:cli` first.');
  process.exit(1);
}

let firstRequestAt: number | null = null;
const app = createServer((request, response) => {
  firstRequestAt ??= performance.now();
  response.writeHead(503).end();
});
await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
const env = {
  ...process.env,
  CONCERTO_URL: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
  CONCERTO_TOKEN: 'bench',
};

const COMMANDS: Record<string, { args: string[]; request?: true }> = {
  'node -e 0 (floor)': { args: ['-e', '0'] },
  'concerto --help': { args: [BIN, '--help'] },
  'concerto fiche list → 1st request': { args: [BIN, 'fiche', 'list'], request: true },
  'tsx cli/main.ts --help (before)': { args: ['--input-type=module', '-e', THROUGH_TSX, '--', '--help'] },
};
type Name = keyof typeof COMMANDS;

/** One run: milliseconds from spawn to exit, or to the first request when the command makes one. */
function run(name: Name): Promise<number> {
  const { args, request } = COMMANDS[name]!;
  firstRequestAt = null;
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: fileURLToPath(ROOT), env, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => {
      if (request && firstRequestAt === null) reject(new Error(`${name}: no request reached the app`));
      else resolve((request ? firstRequestAt! : performance.now()) - started);
    });
  });
}

const names = Object.keys(COMMANDS) as Name[];
for (const name of names) await run(name);
const times = new Map<Name, number[]>(names.map((name) => [name, []]));
for (let round = 0; round < RUNS; round += 1) {
  for (const name of round % 2 ? [...names].reverse() : names) times.get(name)!.push(await run(name));
  process.stderr.write(`\r${round + 1}/${RUNS}`);
}
app.close();

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
console.log(
  `\n${RUNS} runs each, ${os.cpus().length} cores ` +
    `(load average ${os.loadavg()[0]!.toFixed(1)}), Node ${process.version}:`,
);
for (const [name, list] of times) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(
    `  ${name.padEnd(36)} median ${quantile(sorted, 0.5).toFixed(0).padStart(4)} ms, ` +
      `min ${sorted[0]!.toFixed(0).padStart(4)}, p90 ${quantile(sorted, 0.9).toFixed(0).padStart(4)}`,
  );
}

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER_ENTRY = fileURLToPath(new URL('../../worker/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LINES_KEPT = 15;
/** A worker that exits by itself is started again after this, as a process manager would. */
const RESPAWN_MS = 2000;

/**
 * The run's worker processes, each `npm run worker` (worker/main.ts) with the environment given:
 * `kill` SIGKILLs one and starts it again after a pause; one that exits by itself is started
 * again too, and counted, its last lines of output shown.
 */
export class WorkerProcesses {
  readonly counts = { started: 0, killed: 0, exitedByThemselves: 0 };
  private readonly children: Array<ChildProcess | undefined>;
  private stopping = false;

  constructor(
    count: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
  ) {
    this.children = Array.from({ length: count }, () => undefined);
    // However this process ends, its workers end with it.
    process.once('exit', () => this.children.forEach((child) => child?.kill('SIGKILL')));
  }

  startAll(): void {
    this.children.forEach((_, index) => this.start(index));
  }

  /** SIGKILLs worker `index` (whatever it was doing) and starts it again after `downMs`. */
  kill(index: number, downMs: number): void {
    const child = this.children[index];
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.counts.killed += 1;
    this.children[index] = undefined;
    child.kill('SIGKILL');
    setTimeout(() => this.start(index), downMs);
  }

  /** Ends every worker (SIGTERM: it drains, then exits), SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(async (child) => {
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private start(index: number): void {
    if (this.stopping || this.children[index]) return;
    // One process, as `npm run worker` runs it: the SIGKILL reaches the worker itself.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.counts.started += 1;
    this.children[index] = child;
    const lines: string[] = [];
    const keep = (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      lines.splice(0, Math.max(0, lines.length - LINES_KEPT));
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => {
      if (this.children[index] !== child || this.stopping) return;
      this.children[index] = undefined;
      this.counts.exitedByThemselves += 1;
      this.log(
        `worker ${index} exited by itself (${signal ?? `code ${code}`}); its last lines:\n  ${lines.join('\n  ')}`,
      );
      setTimeout(() => this.start(index), RESPAWN_MS);
    });
  }
}

import { readFileSync } from 'node:fs';

/** The most memory a process has held so far (Linux's VmHWM, its peak RSS), in KiB. */
export function peakRssKiB(pid: number): number {
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

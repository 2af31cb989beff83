import { readFileSync } from 'node:fs';

/** The most memory a process has held so far (Linux's VmHWM, its peak RSS), in MiB. */
export function peakRssMiB(pid: number): number {
  const kib = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kib / 1024);
}

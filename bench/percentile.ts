/** The nearest-rank percentile `p` (0–100) of `sorted` (ascending); undefined when it is empty. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

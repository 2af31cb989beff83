/** The bare address of a From header value: `Concerto <concerto@example.org>` → `concerto@example.org`. */
export function addressOf(from: string): string {
  const match = /<([^>]+)>\s*$/.exec(from);
  return (match?.[1] ?? from).trim().toLowerCase();
}

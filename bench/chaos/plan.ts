import { seededRandom } from '../../test/helpers/seeded-random.js';
import type { ChaosOptions } from './options.js';

/** A fault of the run, `at` ms after the window opens. */
export type ChaosEvent =
  | { at: number; kind: 'kill-worker'; worker: number; downMs: number }
  | { at: number; kind: 'restart-temporal'; downMs: number }
  | { at: number; kind: 'restart-postgres'; downMs: number }
  | { at: number; kind: 'relay-down'; forMs: number };

export interface ChaosPlan {
  /** In time order. */
  events: ChaosEvent[];
  /** When each lifecycle starts, ms after the window opens. */
  starts: number[];
}

/**
 * The faults and the lifecycles' starts, from the seed alone. Worker kills come at intervals of
 * 0.5 to 1.5 times their mean, each taking down worker 0 or 1 for 1 to 5 s; the Temporal restarts
 * fall one in each equal part of the window (down 2 to 8 s), the PostgreSQL ones likewise (down 3
 * to 10 s); the 421 stretch lies wholly inside the window.
 */
export function planChaos(options: ChaosOptions, workers: number): ChaosPlan {
  const random = seededRandom(options.seed);
  const between = (low: number, high: number) => Math.round(low + (high - low) * random());
  const window = options.windowSeconds * 1000;
  const events: ChaosEvent[] = [];
  const every = options.killEverySeconds * 1000;
  if (every > 0)
    for (let at = between(every / 2, every * 1.5); at < window; at += between(every / 2, every * 1.5))
      events.push({ at, kind: 'kill-worker', worker: Math.floor(random() * workers), downMs: between(1000, 5000) });
  const spread = (count: number, make: (at: number) => ChaosEvent) => {
    for (let i = 0; i < count; i += 1)
      events.push(make(between((window * (i + 0.2)) / count, (window * (i + 0.8)) / count)));
  };
  spread(options.temporalRestarts, (at) => ({ at, kind: 'restart-temporal', downMs: between(2000, 8000) }));
  spread(options.postgresRestarts, (at) => ({ at, kind: 'restart-postgres', downMs: between(3000, 10_000) }));
  const forMs = options.relayDownSeconds * 1000;
  if (forMs > 0)
    events.push({ at: between((window - forMs) * 0.1, (window - forMs) * 0.9), kind: 'relay-down', forMs });
  const starts = Array.from({ length: options.lifecycles }, () => between(0, window / 2));
  return { events: events.sort((a, b) => a.at - b.at), starts };
}

/** `count` of the addresses, chosen by the seed (sorted first, so the choice does not depend on their order). */
export function pickAddresses(addresses: readonly string[], count: number, seed: number): string[] {
  const random = seededRandom(seed ^ 0x5eed);
  const pool = [...new Set(addresses.map((a) => a.toLowerCase()))].sort();
  const picked: string[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return picked;
}

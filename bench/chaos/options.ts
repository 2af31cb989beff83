/** What a chaos run does, from CHAOS_* variables or the matching --flags (`--relay-down=60` is CHAOS_RELAY_DOWN). */
export interface ChaosOptions {
  /** Fiche lifecycles driven from draft to clôture, each through a COTECH, a COPIL and a Bureau meeting. */
  lifecycles: number;
  /** Seeds the plan: when each fault falls, which addresses refuse, when each lifecycle starts. */
  seed: number;
  /** Seconds of the chaos window: the faults fall in it, the lifecycles start in its first half. */
  windowSeconds: number;
  /** Seconds the relay answers 421 to everything, once, inside the window. */
  relayDownSeconds: number;
  /** How many of the people mailed get a permanent 550 for every message. */
  refusedAddresses: number;
  /** Mean seconds between two SIGKILLs of a worker. */
  killEverySeconds: number;
  temporalRestarts: number;
  postgresRestarts: number;
  /** Seconds after the window for the lifecycles to end and the workflows to finish. */
  settleSeconds: number;
  /** A workflow still running at the settle deadline whose history grew not in this many seconds is stuck. */
  stallSeconds: number;
  /** A meeting a fiche waits for is scheduled this many seconds ahead. */
  meetingLeadSeconds: number;
}

const DEFAULTS: Omit<ChaosOptions, 'seed'> = {
  lifecycles: 20,
  windowSeconds: 300,
  relayDownSeconds: 90,
  refusedAddresses: 2,
  killEverySeconds: 40,
  temporalRestarts: 2,
  postgresRestarts: 1,
  settleSeconds: 600,
  stallSeconds: 60,
  meetingLeadSeconds: 15,
};

const NAMES: Record<keyof ChaosOptions, string> = {
  lifecycles: 'CHAOS_LIFECYCLES',
  seed: 'CHAOS_SEED',
  windowSeconds: 'CHAOS_WINDOW',
  relayDownSeconds: 'CHAOS_RELAY_DOWN',
  refusedAddresses: 'CHAOS_REFUSED',
  killEverySeconds: 'CHAOS_KILL_EVERY',
  temporalRestarts: 'CHAOS_TEMPORAL_RESTARTS',
  postgresRestarts: 'CHAOS_POSTGRES_RESTARTS',
  settleSeconds: 'CHAOS_SETTLE',
  stallSeconds: 'CHAOS_STALL',
  meetingLeadSeconds: 'CHAOS_MEETING_LEAD',
};

/** The variable each option is read from, for usage text. */
export const OPTION_VARIABLES: Readonly<Record<keyof ChaosOptions, string>> = NAMES;

/**
 * Reads the options: a flag wins over its variable; `randomSeed` gives the seed when none is set.
 * Throws on an unknown flag or a value that is not a non-negative integer.
 */
export function readOptions(env: NodeJS.ProcessEnv, argv: readonly string[], randomSeed: () => number): ChaosOptions {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (key.startsWith('CHAOS_') && value) values[key] = value;
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    const name = match && `CHAOS_${match[1]!.toUpperCase().replaceAll('-', '_')}`;
    if (!match || !name || !Object.values(NAMES).includes(name))
      throw new Error(`Unknown argument « ${arg} »: flags are ${Object.values(NAMES).map(flagOf).join(', ')}.`);
    values[name] = match[2]!;
  }
  const read = (key: keyof ChaosOptions, fallback: number): number => {
    const raw = values[NAMES[key]]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 0)
      throw new Error(`${NAMES[key]} (${flagOf(NAMES[key])}) must be a whole number ≥ 0, got « ${raw} ».`);
    return value;
  };
  const options = { seed: read('seed', randomSeed()) } as ChaosOptions;
  for (const key of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) options[key] = read(key, DEFAULTS[key]);
  if (options.lifecycles < 1) throw new Error('CHAOS_LIFECYCLES must be at least 1.');
  if (options.relayDownSeconds > options.windowSeconds)
    throw new Error('CHAOS_RELAY_DOWN cannot be longer than CHAOS_WINDOW: the 421 stretch falls inside the window.');
  return options;
}

function flagOf(variable: string): string {
  return `--${variable.slice('CHAOS_'.length).toLowerCase().replaceAll('_', '-')}`;
}

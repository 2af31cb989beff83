/**
 * Group commit: the calls made in one turn of the event loop, and those made while a statement is
 * running, go together in one statement (and one commit) instead of one each. The first waits for
 * the end of the turn only (`setImmediate`, as DataLoader does): PGlite runs a statement without
 * yielding, so without that wait no call would ever find another in flight. With `gatherMs`, it waits that long
 * instead, for writes that arrive one by one (each mail's acceptance) and may be a few milliseconds late.
 *
 * `write` takes a batch and answers each item in its order. When a batch of several fails, each of
 * its items is tried again alone, so a value the database refuses fails its own call only (one
 * statement is atomic: the failed batch wrote nothing). Items of the same `key` never share a
 * batch: the later one waits for the next.
 */
export function groupCommit<I, O>(
  write: (items: readonly I[]) => Promise<O[]>,
  options: { key: (item: I) => string; max?: number; gatherMs?: number },
): (item: I) => Promise<O> {
  const max = options.max ?? 100;
  type Waiting = { item: I; resolve: (value: O) => void; reject: (reason: unknown) => void };
  let queue: Waiting[] = [];
  let writing = false;

  async function writeAlone({ item, resolve, reject }: Waiting): Promise<void> {
    try {
      const [answer] = await write([item]);
      resolve(answer as O);
    } catch (error) {
      reject(error);
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch: Waiting[] = [];
      const keys = new Set<string>();
      const rest: Waiting[] = [];
      for (const waiting of queue) {
        const key = options.key(waiting.item);
        if (batch.length < max && !keys.has(key)) {
          keys.add(key);
          batch.push(waiting);
        } else rest.push(waiting);
      }
      queue = rest;
      if (batch.length === 1) {
        await writeAlone(batch[0]!);
        continue;
      }
      try {
        const answers = await write(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(answers[i] as O));
      } catch {
        for (const waiting of batch) await writeAlone(waiting);
      }
    }
    writing = false;
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!writing) {
        writing = true;
        if (options.gatherMs) setTimeout(() => void drain(), options.gatherMs);
        else setImmediate(() => void drain());
      }
    });
}

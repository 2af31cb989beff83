import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../store/database/group-commit.js';

/** A write whose batches are recorded and held until released, answering each item doubled. */
function heldWrite(refuse: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const write = async (items: readonly number[]) => {
    batches.push([...items]);
    await new Promise<void>((resolve) => releases.push(resolve));
    if (items.some(refuse)) throw new Error(`refused in [${items.join(', ')}]`);
    return items.map((i) => i * 2);
  };
  const releaseNext = async () => {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()!();
  };
  return { batches, write, releaseNext };
}

describe('groupCommit', () => {
  it('writes the calls of one turn together, and those made while it writes in the next batch', async () => {
    const { batches, write, releaseNext } = heldWrite();
    const call = groupCommit(write, { key: String });
    const first = [1, 2].map(call);
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2]]);
    const others = [3, 4, 5].map(call);
    await releaseNext();
    await releaseNext();
    expect(await Promise.all([...first, ...others])).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('with gatherMs, waits that long for the first batch: calls of later turns join it', async () => {
    const { batches, write, releaseNext } = heldWrite();
    const call = groupCommit(write, { key: String, gatherMs: 30 });
    const first = call(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = call(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([]);
    await releaseNext();
    expect(await Promise.all([first, second])).toEqual([2, 4]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('keeps two items of one key apart, and a batch within its maximum', async () => {
    const { batches, write, releaseNext } = heldWrite();
    const call = groupCommit(write, { key: (i) => String(i % 10), max: 2 });
    const all = [1, 2, 11, 3].map(call);
    for (let i = 0; i < 2; i++) await releaseNext();
    expect(await Promise.all(all)).toEqual([2, 4, 22, 6]);
    expect(batches).toEqual([
      [1, 2],
      [11, 3],
    ]);
  });

  it('tries each item of a failed batch alone: only the refused one fails', async () => {
    const { batches, write, releaseNext } = heldWrite((i) => i === 3);
    const call = groupCommit(write, { key: String });
    const all = [1, 2, 3].map((i) => call(i).catch((e: unknown) => (e as Error).message));
    // [1, 2, 3] fails, then 1, 2 and 3 alone.
    for (let i = 0; i < 4; i++) await releaseNext();
    expect(await Promise.all(all)).toEqual([2, 4, 'refused in [3]']);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});

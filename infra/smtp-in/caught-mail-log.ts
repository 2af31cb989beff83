import { open, readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';

/** Where a caught message's raw source lies in the log. */
export interface LogEntry {
  id: string;
  offset: number;
  size: number;
}

/** The mail catcher's folder: every raw source back to back in one file, and one index line each. */
export interface CaughtMailLog<M extends { id: string; size: number }> {
  /** What the folder held on opening, in the order written. */
  readonly loaded: M[];
  /**
   * Appends the messages, synced to disk before it resolves: a sender's 250 waits for it. Messages
   * handed in while a batch is written go in the next one, so a burst costs a few writes, not two a mail.
   */
  append(message: M, raw: Buffer): Promise<void>;
  /** One message's raw source, or null when the log does not hold it. */
  read(id: string): Promise<Buffer | null>;
  /** Waits for the batch being written. */
  settle(): Promise<void>;
}

const RAW_FILE = 'messages.eml-log';
const INDEX_FILE = 'messages.jsonl';
/** The catcher's former layout, a `.eml` and a `.json` per message: read once and moved into the log. */
const FORMER_INDEX = /^(.+)\.json$/;
const FORMER_TEMP = /\.tmp$/;

/**
 * Opens the log in `dir` (created by the caller), cutting what a crash left half written: an index
 * line without its end, and raw bytes no index line points to (their sender never got a 250).
 * Messages kept in the former layout whose id passes `isId` are moved into the log.
 */
export async function openCaughtMailLog<M extends { id: string; size: number }>(
  dir: string,
  isId: (id: string) => boolean,
): Promise<CaughtMailLog<M>> {
  const rawFile = path.join(dir, RAW_FILE);
  const indexFile = path.join(dir, INDEX_FILE);
  const where = new Map<string, LogEntry>();
  const loaded = await loadIndex<M>(rawFile, indexFile, where);

  let pending: { message: M; raw: Buffer; done: (error?: unknown) => void }[] = [];
  let writing: Promise<void> | null = null;

  const writeBatch = async (batch: typeof pending): Promise<void> => {
    // Opened for each batch, so a folder removed under the catcher fails the batch (451, sent again).
    const rawHandle = await open(rawFile, 'a');
    const entries: LogEntry[] = [];
    try {
      let offset = (await rawHandle.stat()).size;
      for (const { message, raw } of batch) {
        entries.push({ id: message.id, offset, size: raw.length });
        offset += raw.length;
      }
      await rawHandle.writev(batch.map((b) => b.raw));
      // The sources reach the disk before the lines that point to them.
      await rawHandle.datasync();
    } finally {
      await rawHandle.close();
    }
    const indexHandle = await open(indexFile, 'a');
    try {
      const lines = batch.map(({ message }, i) => `${JSON.stringify({ ...message, offset: entries[i]!.offset })}\n`);
      await indexHandle.writeFile(lines.join(''));
      await indexHandle.datasync();
    } finally {
      await indexHandle.close();
    }
    for (const entry of entries) where.set(entry.id, entry);
  };

  const flush = (): void => {
    if (writing || pending.length === 0) return;
    const batch = pending;
    pending = [];
    writing = writeBatch(batch).then(
      () => batch.forEach((b) => b.done()),
      (error: unknown) => batch.forEach((b) => b.done(error ?? new Error('not written'))),
    );
    void writing.finally(() => {
      writing = null;
      flush();
    });
  };

  const append = (message: M, raw: Buffer): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      pending.push({ message, raw, done: (error) => (error ? reject(error as Error) : resolve()) });
      flush();
    });

  for (const { message, raw, files } of await readFormerLayout<M>(dir, isId)) {
    await append(message, raw);
    loaded.push(message);
    await Promise.all(files.map((file) => rm(file, { force: true })));
  }

  return {
    loaded,
    append,
    read: async (id) => {
      const entry = where.get(id);
      if (!entry) return null;
      const handle = await open(rawFile, 'r');
      try {
        const raw = Buffer.alloc(entry.size);
        const { bytesRead } = await handle.read(raw, 0, entry.size, entry.offset);
        return bytesRead === entry.size ? raw : null;
      } finally {
        await handle.close();
      }
    },
    settle: async () => {
      while (writing) await writing.catch(() => {});
    },
  };
}

async function loadIndex<M extends { id: string; size: number }>(
  rawFile: string,
  indexFile: string,
  where: Map<string, LogEntry>,
): Promise<M[]> {
  const text = await readFile(indexFile).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  });
  const rawSize = await stat(rawFile).then(
    (s) => s.size,
    () => 0,
  );
  const loaded: M[] = [];
  let start = 0;
  let rawEnd = 0;
  for (let end = text.indexOf(10); end >= 0; start = end + 1, end = text.indexOf(10, start)) {
    let line: (M & { offset: number }) | null = null;
    try {
      line = JSON.parse(text.toString('utf8', start, end)) as M & { offset: number };
    } catch {
      // A line edited by hand: skip it rather than refuse to start.
    }
    if (!line || typeof line.offset !== 'number' || line.offset + line.size > rawSize) continue;
    const { offset, ...message } = line;
    where.set(message.id, { id: message.id, offset, size: message.size });
    loaded.push(message as unknown as M);
    rawEnd = Math.max(rawEnd, offset + message.size);
  }
  if (start < text.length) await truncate(indexFile, start);
  if (rawEnd < rawSize) await truncate(rawFile, rawEnd);
  return loaded;
}

/** The catcher's former layout (`<id>.eml` beside `<id>.json`); half-written temporary files are removed. */
async function readFormerLayout<M extends { id: string }>(
  dir: string,
  isId: (id: string) => boolean,
): Promise<{ message: M; raw: Buffer; files: string[] }[]> {
  const found: { message: M; raw: Buffer; files: string[] }[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (FORMER_TEMP.test(name)) {
      await rm(path.join(dir, name), { force: true });
      continue;
    }
    const id = FORMER_INDEX.exec(name)?.[1];
    if (!id || !isId(id)) continue;
    const files = [path.join(dir, name), path.join(dir, `${id}.eml`)];
    try {
      const message = JSON.parse(await readFile(files[0]!, 'utf8')) as M;
      if (message.id === id) found.push({ message, raw: await readFile(files[1]!), files });
    } catch {
      // Unreadable (edited by hand, or its source gone): left where it is.
    }
  }
  return found;
}

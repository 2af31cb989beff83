import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { dispatchInboundMail, type InboundMailHandlers, type InboundOutcome } from '../smtp-in/inbound-mail.js';
import { imapClient } from './imap-client.js';
import type { ImapSettings } from './imap-settings.js';

/**
 * The record of the messages already read, kept in the database (app/ wires the store's): a message
 * is moved only after its outcome is recorded, so one still in the mailbox after a crash or a lost
 * connection is moved on the next pass, never read a second time.
 */
export interface ProcessedMessages {
  /** The outcomes recorded for those of `keys` already read. */
  outcomesOf(keys: readonly string[]): Promise<Map<string, InboundOutcome>>;
  record(key: string, outcome: InboundOutcome, at: Date): Promise<void>;
}

/** Options of {@link startImapPoller}. */
export interface ImapPollerOptions extends Pick<InboundMailHandlers, 'onReply' | 'onBounce'> {
  settings: ImapSettings;
  processed: ProcessedMessages;
  log?: (line: string) => void;
  now?: () => Date;
  /** Waits between two connection attempts: doubling from `firstMs` up to `maxMs`. Default 1 s to 5 min. */
  retry?: { firstMs: number; maxMs: number };
}

/** A running poller. */
export interface ImapPoller {
  /** Ends the pass under way, logs out and stops trying. */
  stop(): Promise<void>;
}

/** Where each outcome leaves the message: the done folder (read), the unreadable one (unread), or in place. */
const DESTINATION = {
  reply: 'done',
  bounce: 'done',
  ignored: 'done',
  unreadable: 'unreadable',
  'not-calendar': 'stay',
} as const satisfies Record<InboundOutcome, 'done' | 'unreadable' | 'stay'>;

/** Headers that name who a message was delivered to: a bounce's return path is among them. */
const RECIPIENT_HEADERS = ['delivered-to', 'x-original-to', 'envelope-to', 'to', 'cc'];
const ADDRESS = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

/**
 * Reads the reply mailbox over IMAP: each message goes through the same reading as the SMTP
 * listener's (dispatchInboundMail: calendar replies, bounces to a return path), then a reply, a
 * bounce or a calendar with nothing to take is marked \Seen and moved to the done folder; a broken
 * one is moved, unread, to the unreadable folder; mail with neither calendar nor bounce (written by
 * a person) stays where it is, unread, for people to read.
 *
 * With IDLE, new mail is read as it arrives; without, the mailbox is searched every `pollMs`.
 * A message is known by its Message-ID (else its content's SHA-256), recorded once read: it is read
 * once, whatever restarts or lost connections come between reading and moving it. A connection that
 * fails or drops is tried again after a doubling wait, logged; it never throws to the caller.
 */
export function startImapPoller(options: ImapPollerOptions): ImapPoller {
  const { settings, processed } = options;
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const retry = options.retry ?? { firstMs: 1_000, maxMs: 5 * 60_000 };
  const handlers: InboundMailHandlers = { onReply: options.onReply, onBounce: options.onBounce, log, now };
  const stopping = new AbortController();
  const where = `${settings.mailbox} of ${settings.user} at ${settings.host}:${settings.port}`;
  let client: ImapFlow | undefined;
  let wake: Wake | undefined;

  const session = async (connected: () => void): Promise<void> => {
    const imap = imapClient(settings, { connectionMs: 30_000, socketMs: 5 * 60_000 });
    client = imap;
    const ringer = new Wake();
    wake = ringer;
    let lost: Error | undefined;
    imap.on('exists', () => ringer.ring());
    imap.on('error', (error: Error) => {
      lost = error;
      ringer.ring();
    });
    imap.on('close', () => ringer.ring());
    try {
      await imap.connect();
      await ensureFolders(imap, [settings.doneFolder, settings.unreadableFolder]);
      const lock = await imap.getMailboxLock(settings.mailbox).catch((error: Error & { responseText?: string }) => {
        throw new Error(`cannot open the folder ${settings.mailbox} (${error.responseText ?? error.message})`);
      });
      try {
        const idle = imap.capabilities.has('IDLE');
        log(`imap: reading ${where} (${idle ? 'IDLE' : `searched every ${settings.pollMs / 1000} s`})`);
        const settled = new Set<number>();
        while (!stopping.signal.aborted) {
          await pass(imap, settled);
          // Only a session that got through a pass resets the wait: a login on a missing folder still backs off.
          connected();
          if (stopping.signal.aborted) break;
          // IDLE ends by itself when the next command is sent; the timer searches anyway now and then.
          if (idle) void imap.idle().catch(() => {});
          await ringer.wait(settings.pollMs);
          if (!imap.usable && !stopping.signal.aborted) throw lost ?? new Error('the server closed the connection');
        }
      } finally {
        if (imap.usable) lock.release();
      }
    } finally {
      if (imap.usable) await imap.logout().catch(() => imap.close());
      else imap.close();
    }
  };

  /** Reads every message of the mailbox not yet settled in this session. */
  const pass = async (imap: ImapFlow, settled: Set<number>): Promise<void> => {
    const uids = ((await imap.search({ all: true }, { uid: true })) || []).filter((uid) => !settled.has(uid));
    if (uids.length === 0) return;
    const messages = await imap.fetchAll(
      uids,
      { uid: true, envelope: true, headers: RECIPIENT_HEADERS },
      { uid: true },
    );
    const ids = messages.map((message) => message.envelope?.messageId?.trim()).filter((id): id is string => !!id);
    const known = await processed.outcomesOf(ids);
    for (const message of messages) {
      if (stopping.signal.aborted) return;
      try {
        const outcome = await outcomeOf(imap, message, known);
        if (outcome === null) continue;
        await settle(imap, message.uid, outcome);
        settled.add(message.uid);
      } catch (error) {
        if (!imap.usable) throw error;
        log(
          `imap: message ${message.envelope?.messageId ?? `UID ${message.uid}`} not handled, ` +
            `tried again on the next pass: ${(error as Error).message}`,
        );
      }
    }
  };

  /** The recorded outcome of a message, or the one of reading it now; null if it vanished meanwhile. */
  const outcomeOf = async (
    imap: ImapFlow,
    message: FetchMessageObject,
    known: Map<string, InboundOutcome>,
  ): Promise<InboundOutcome | null> => {
    const messageId = message.envelope?.messageId?.trim();
    const recorded = messageId ? known.get(messageId) : undefined;
    if (recorded) return recorded;
    const fetched = await imap.fetchOne(String(message.uid), { source: true }, { uid: true });
    if (!fetched || !fetched.source) return null;
    const key = messageId || `sha256:${createHash('sha256').update(fetched.source).digest('hex')}`;
    if (!messageId) {
      const again = (await processed.outcomesOf([key])).get(key);
      if (again) return again;
    }
    const outcome = await dispatchInboundMail(fetched.source, recipientsOf(message), handlers);
    await processed.record(key, outcome, now());
    return outcome;
  };

  const settle = async (imap: ImapFlow, uid: number, outcome: InboundOutcome): Promise<void> => {
    const destination = DESTINATION[outcome];
    if (destination === 'stay') return;
    if (destination === 'done') await imap.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    const folder = destination === 'done' ? settings.doneFolder : settings.unreadableFolder;
    await imap.messageMove(String(uid), folder, { uid: true });
  };

  const done = (async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        await session(() => {
          if (failures > 0) log(`imap: connected again to ${where}`);
          failures = 0;
        });
      } catch (error) {
        if (stopping.signal.aborted) break;
        failures += 1;
        const delay = Math.min(retry.maxMs, retry.firstMs * 2 ** (failures - 1));
        log(`imap: ${describeFailure(error, settings)}; trying again in ${Math.ceil(delay / 1000)} s`);
        await sleep(delay, undefined, { signal: stopping.signal }).catch(() => {});
      }
    }
  })();

  return {
    stop: async () => {
      stopping.abort();
      wake?.ring();
      // Connecting, it would wait for the connection's timeout; connected, the pass under way ends first.
      if (client && !client.usable) client.close();
      await done;
    },
  };
}

async function ensureFolders(imap: ImapFlow, folders: readonly string[]): Promise<void> {
  const existing = new Set((await imap.list()).map((mailbox) => mailbox.path));
  for (const folder of folders) if (!existing.has(folder)) await imap.mailboxCreate(folder);
}

function recipientsOf(message: FetchMessageObject): string[] {
  const headers = message.headers?.toString('utf8').replace(/\r?\n[ \t]+/g, ' ') ?? '';
  return headers.match(ADDRESS) ?? [];
}

function describeFailure(error: unknown, settings: ImapSettings): string {
  const failure = error as Error & { code?: string; authenticationFailed?: boolean; responseText?: string };
  if (failure.authenticationFailed)
    return `login of ${settings.user} refused (${failure.responseText ?? failure.message}): check the IMAP credentials`;
  if (failure.code && /^(E[A-Z]+|CONNECT_TIMEOUT)$/.test(failure.code))
    return `cannot reach ${settings.host}:${settings.port} (${failure.code})`;
  if (failure.code === 'NoConnection') return `lost the connection to ${settings.host}:${settings.port}`;
  return `${failure.message}${failure.responseText ? ` (${failure.responseText})` : ''}`;
}

/** A wait that ends at its timeout or when rung; a ring while nobody waits ends the next wait at once. */
class Wake {
  private ringing: (() => void) | undefined;
  private rung = false;

  ring(): void {
    this.rung = true;
    this.ringing?.();
  }

  async wait(ms: number): Promise<void> {
    if (!this.rung) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.ringing = resolve;
        timer = setTimeout(resolve, ms);
      });
      clearTimeout(timer);
      this.ringing = undefined;
    }
    this.rung = false;
  }
}

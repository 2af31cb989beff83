import { lineIdOfReturnPath, readBounceReport, type DeliveryFailure } from './bounce-report.js';
import { readImipReply, type ImipReply } from './imip-reply.js';

/** What takes the mail that reaches the organizer's address, whichever way it comes (SMTP or IMAP). */
export interface InboundMailHandlers {
  /**
   * Takes a usable reply (records the answer: app/imip-replies.ts); a reply it cannot use it logs
   * and returns, while its failure (the database unreachable) leaves the mail to be tried again.
   */
  onReply: (reply: ImipReply, at: Date) => Promise<void>;
  /**
   * Takes a delivery status notification saying a mail failed, sent back to that mail's return
   * path (`bounces+<line id>@…`, VERP): marks the ledger line bounced (activities/mail.ts'
   * createBounceRecorder). Without it, mail to a return path is read like any other.
   */
  onBounce?: (bounce: DeliveryFailure & { lineId: string }, at: Date) => Promise<unknown>;
  /** One line per message: what was recorded or why it was ignored. */
  log: (line: string) => void;
  now: () => Date;
}

/**
 * What became of a mail: a calendar reply handed to `onReply`, a bounce handed to `onBounce`, a
 * calendar or report with nothing to take (`ignored`), a broken mail or calendar (`unreadable`),
 * or no calendar and no bounce at all (`not-calendar`: a person's mail, an out-of-office answer).
 */
export type InboundOutcome = 'reply' | 'bounce' | 'ignored' | 'unreadable' | 'not-calendar';

/**
 * Reads one inbound mail and hands it to its handler: a delivery status notification when one of
 * `recipients` is a return path, else the calendar reply it carries. The SMTP listener and the IMAP
 * poller both read mail through here, so a new kind of calendar message is taken by both at once.
 * A handler's failure rejects, and the mail is to be tried again.
 */
export async function dispatchInboundMail(
  raw: Buffer,
  recipients: readonly string[],
  handlers: InboundMailHandlers,
): Promise<InboundOutcome> {
  const { log } = handlers;
  const lineIds = [...new Set(recipients.map(lineIdOfReturnPath).filter((id): id is string => id !== null))];
  if (lineIds.length > 0 && handlers.onBounce) {
    const failure = await readBounceReport(raw);
    if (!failure) {
      log(`bounce: ignored, not a failure report (to ${lineIds.join(', ')})`);
      return 'ignored';
    }
    for (const lineId of lineIds) await handlers.onBounce({ ...failure, lineId }, handlers.now());
    log(`bounce: ${failure.status} for ledger line ${lineIds.join(', ')}`);
    return 'bounce';
  }
  const read = await readImipReply(raw);
  switch (read.kind) {
    case 'reply':
      await handlers.onReply(read.reply, handlers.now());
      return 'reply';
    case 'malformed':
      log(`imip: malformed calendar: ${read.reason}`);
      return 'unreadable';
    case 'ignored':
    case 'not-calendar':
      log(`imip: ignored: ${read.reason}`);
      return read.kind;
  }
}

/** A line of the mail ledger (the Notification table): one mail a workflow decided to send. */
export interface LedgerLine {
  messageId: string;
  recipient: string;
  /** sent, sending, retrying, failed… as the ledger last recorded it. */
  status?: string;
}

/** What the relay said 250 to: one message, by its Message-ID header (null when it had none). */
export interface Delivery {
  messageId: string | null;
}

export interface MailTally {
  /** Ledger lines, less those to an address the relay refuses for good. */
  mailsExpected: number;
  /** Ledger lines to an address the relay refuses for good (550): refused, not lost. */
  refused: number;
  /** Distinct Message-IDs the relay accepted. */
  delivered: number;
  /** Accepted deliveries beyond the first of each Message-ID. */
  duplicates: number;
  /** Expected lines whose Message-ID the relay never accepted. */
  lost: number;
  /** Distinct accepted Message-IDs that no ledger line has (or none at all): mail sent without a trace. */
  unknownDeliveries: number;
  /**
   * Lines the relay accepted that the ledger does not show sent: the send outran its record (a
   * crash between the 250 and the ledger write, the window in which a retry sends again).
   */
  deliveredNotMarkedSent: number;
  lostMessageIds: string[];
  duplicatedMessageIds: string[];
}

/** `<a@b>`, ` <A@B> ` and `a@b` are the same Message-ID. */
export function normalizeMessageId(id: string): string {
  return id.trim().replace(/^<|>$/g, '').toLowerCase();
}

/** Counts what was decided (ledger) against what arrived (relay), per Message-ID. */
export function tallyMail(
  lines: readonly LedgerLine[],
  deliveries: readonly Delivery[],
  refusedAddresses: ReadonlySet<string>,
): MailTally {
  const accepted = new Map<string, number>();
  for (const { messageId } of deliveries) {
    const id = messageId === null ? '' : normalizeMessageId(messageId);
    accepted.set(id, (accepted.get(id) ?? 0) + 1);
  }
  const expected = new Set<string>();
  const known = new Set<string>();
  let refused = 0;
  let deliveredNotMarkedSent = 0;
  for (const line of lines) {
    const id = normalizeMessageId(line.messageId);
    known.add(id);
    if (accepted.has(id) && line.status !== undefined && line.status !== 'sent') deliveredNotMarkedSent += 1;
    if (refusedAddresses.has(line.recipient.trim().toLowerCase())) refused += 1;
    else expected.add(id);
  }
  const lostMessageIds = [...expected].filter((id) => !accepted.has(id));
  const duplicatedMessageIds = [...accepted].filter(([, count]) => count > 1).map(([id]) => id);
  return {
    mailsExpected: expected.size,
    refused,
    delivered: [...accepted.keys()].filter((id) => id !== '').length,
    duplicates: [...accepted.values()].reduce((sum, count) => sum + count - 1, 0),
    lost: lostMessageIds.length,
    unknownDeliveries: [...accepted.keys()].filter((id) => !known.has(id)).length,
    deliveredNotMarkedSent,
    lostMessageIds,
    duplicatedMessageIds,
  };
}

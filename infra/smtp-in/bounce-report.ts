import { simpleParser } from 'mailparser';

/** The local part of every return path: `bounces+<ledger line id>@domain` (VERP). */
export const BOUNCE_LOCAL_PART = 'bounces';

const RETURN_PATH = new RegExp(`^${BOUNCE_LOCAL_PART}\\+([A-Za-z0-9-]{1,64})@`, 'i');

/** The ledger line a return path names, or null when the address is not a return path. */
export function lineIdOfReturnPath(address: string): string | null {
  return RETURN_PATH.exec(address.trim())?.[1] ?? null;
}

/** What a delivery status notification says of a recipient it failed: the status and the server's words. */
export interface DeliveryFailure {
  /** RFC 3463 status, e.g. 5.1.1. */
  status: string;
  /** « 5.1.1 (smtp; 550 5.1.1 No such user) », for the ledger and the alert. */
  response: string;
}

/**
 * Reads an RFC 3464 delivery status notification: a multipart/report whose message/delivery-status
 * part has a recipient with `Action: failed` and a permanent `Status: 5.x.x`. Anything else (a
 * delay notice, a success report, an out-of-office answer, a plain mail) gives null.
 */
export async function readBounceReport(raw: Buffer): Promise<DeliveryFailure | null> {
  const parsed = await simpleParser(raw);
  const status = parsed.attachments.find((a) => a.contentType.toLowerCase() === 'message/delivery-status');
  const text = status?.content.toString('utf8') ?? deliveryStatusText(raw);
  if (!text) return null;
  // Per-message fields, then one block per recipient, separated by blank lines (RFC 3464 §2.1).
  for (const block of text.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const fields = headerFields(block);
    if (fields.get('action')?.toLowerCase() !== 'failed') continue;
    const code = /^5\.\d{1,3}\.\d{1,3}/.exec(fields.get('status') ?? '')?.[0];
    if (!code) continue;
    const diagnostic = fields.get('diagnostic-code');
    return { status: code, response: diagnostic ? `${code} (${diagnostic})` : code };
  }
  return null;
}

/** The delivery-status part's text, when the parser kept it inline rather than as an attachment. */
function deliveryStatusText(raw: Buffer): string | null {
  const source = raw.toString('utf8');
  const start = source.search(/content-type:\s*message\/delivery-status/i);
  if (start < 0) return null;
  const body = source
    .slice(start)
    .split(/\r?\n\r?\n/)
    .slice(1);
  return body.join('\n\n');
}

/** Header-style fields of one block, names lower-cased, folded lines joined. */
function headerFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of block.split('\n')) {
    if (/^\s/.test(line) && last) {
      fields.set(last, `${fields.get(last)} ${line.trim()}`);
      continue;
    }
    const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    last = match[1]!.toLowerCase();
    fields.set(last, match[2]!.trim());
  }
  return fields;
}

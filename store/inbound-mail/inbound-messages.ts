import type { PrismaClient } from '../../generated/prisma/client.js';
import type { InboundOutcome } from '../../infra/smtp-in/inbound-mail.js';

/** What was made of those of `keys` (Message-IDs) already read from the reply mailbox. */
export async function findInboundOutcomes(
  db: PrismaClient,
  keys: readonly string[],
): Promise<Map<string, InboundOutcome>> {
  if (keys.length === 0) return new Map();
  const rows = await db.inboundMessage.findMany({ where: { key: { in: [...keys] } } });
  return new Map(rows.map((row) => [row.key, row.outcome as InboundOutcome]));
}

/** Records a message read; a second record of the same key keeps the first (ON CONFLICT DO NOTHING). */
export async function recordInboundMessage(
  db: PrismaClient,
  key: string,
  outcome: InboundOutcome,
  at: Date,
): Promise<void> {
  await db.inboundMessage.createMany({ data: [{ key, outcome, processedAt: at }], skipDuplicates: true });
}

import type { PrismaClient } from '../../generated/prisma/client.js';

/** What starting a fiche, a meeting or a poll reads of its convention: its charter, zone and delays. */
export interface ConventionSettings {
  /** As stored: domain/charter.ts parseCharter reads it. */
  charter: unknown;
  timezone: string;
  schoolZone: string | null;
  /** Each instance's own delays for decisions, when it sets them. */
  instances: { kind: string; decisionReminderDays: number | null; escalationDays: number | null }[];
}

/** The settings of the convention of that id; throws when there is none. */
export async function findConventionSettings(db: PrismaClient, conventionId: string): Promise<ConventionSettings> {
  return db.convention.findUniqueOrThrow({
    where: { id: conventionId },
    select: {
      charter: true,
      timezone: true,
      schoolZone: true,
      instances: { select: { kind: true, decisionReminderDays: true, escalationDays: true } },
    },
  });
}

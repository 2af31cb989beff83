import type { PrismaClient } from '../../generated/prisma/client.js';
import { appendAgendaItem } from './append-agenda-item.js';

export interface ReviewPlacement {
  meetingId: string;
  meetingTitle: string;
  startsAt: string;
  /** False when the point was already on that ordre du jour. */
  added: boolean;
}

/**
 * Puts the review on the ordre du jour of the next scheduled COPIL meeting (or says where it
 * already is); null when no COPIL meeting is scheduled after `after` (ISO).
 */
export async function placeReviewOnCopilAgenda(
  db: PrismaClient,
  input: {
    conventionId: string;
    title: string;
    kind: 'information' | 'decision';
    after: string;
  },
): Promise<ReviewPlacement | null> {
  return db.$transaction(async (tx) => {
    const scheduled = {
      conventionId: input.conventionId,
      instance: { kind: 'copil' },
      status: { in: ['planifiee', 'convoquee'] },
      startsAt: { gte: new Date(input.after) },
    };
    const placed = await tx.meeting.findFirst({
      where: { ...scheduled, agenda: { some: { title: input.title } } },
      orderBy: { startsAt: 'asc' },
    });
    if (placed)
      return {
        meetingId: placed.id,
        meetingTitle: placed.title,
        startsAt: placed.startsAt.toISOString(),
        added: false,
      };
    const meeting = await tx.meeting.findFirst({ where: scheduled, orderBy: { startsAt: 'asc' } });
    if (!meeting) return null;
    await appendAgendaItem(tx, { meetingId: meeting.id, title: input.title, kind: input.kind });
    return {
      meetingId: meeting.id,
      meetingTitle: meeting.title,
      startsAt: meeting.startsAt.toISOString(),
      added: true,
    };
  });
}

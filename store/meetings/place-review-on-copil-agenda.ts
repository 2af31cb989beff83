import type { PrismaClient } from '../../generated/prisma/client.js';
import { appendAgendaItem } from './append-agenda-item.js';
import { listScheduledMeetings } from './list-scheduled-meetings.js';

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
  const { conventionId, after } = input;
  const meetings = await listScheduledMeetings(db, { conventionId, instanceKind: 'copil', after });
  const placed = meetings.find((meeting) => meeting.items.includes(input.title));
  const meeting = placed ?? meetings[0];
  if (!meeting) return null;
  if (!placed) {
    await db.$transaction((tx) =>
      appendAgendaItem(tx, { meetingId: meeting.id, title: input.title, kind: input.kind }),
    );
  }
  return {
    meetingId: meeting.id,
    meetingTitle: meeting.title,
    startsAt: meeting.startsAt.toISOString(),
    added: !placed,
  };
}

import type { InstanceKind } from '../../domain/charter.js';
import { reviewDeadlines, type FollowUp, type ReviewTiming } from '../../domain/lifecycle/follow-up.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { appendAgendaItem } from './append-agenda-item.js';
import { listScheduledMeetings } from './list-scheduled-meetings.js';

export interface AgendaPlacement {
  meetingId: string;
  /** False when the fiche was already on that ordre du jour. */
  added: boolean;
  /** ISO instant. */
  startsAt: string;
  title: string;
}

export interface PutOnAgendaInput {
  conventionId: string;
  ficheId: string;
  version: number;
  instanceKind: InstanceKind;
  /** Only meetings starting at or after this instant (ISO) count. */
  after: string;
  /**
   * What the fiche waits for and the lifecycle's delays: the review's deadlines, from the meeting found, are
   * written on the fiche's row for the boards (older runs' look-ups say nothing).
   */
  followUp?: { what: string | null; timing: ReviewTiming };
}

/**
 * Puts the fiche on the ordre du jour of the next scheduled meeting of that body — unless it
 * is already on that of a scheduled one (which may have been moved later) — and says where;
 * null when no meeting is scheduled yet (the workflow then waits for one). Two reads, then the
 * item and the fiche's deadlines written together.
 */
export async function putOnNextAgenda(db: PrismaClient, input: PutOnAgendaInput): Promise<AgendaPlacement | null> {
  const [fiche] = await db.$queryRaw<{ code: string; title: string | null }[]>`
    SELECT f."code", v."title" FROM "FicheAction" f
    LEFT JOIN "FicheVersion" v ON v."ficheId" = f."id" AND v."version" = ${input.version}
    WHERE f."id" = ${input.ficheId}`;
  if (!fiche) throw new Error(`No fiche ${input.ficheId}: it cannot be put on an ordre du jour.`);
  const title = `Fiche ${fiche.code} (version ${input.version}) : ${fiche.title ?? ''}`;
  const meetings = await listScheduledMeetings(db, input);
  const placed = meetings.find((meeting) => meeting.items.includes(title));
  const meeting = placed ?? meetings[0];
  const followUp = followUpOf(input, meeting?.startsAt ?? null);
  const writeFollowUp = async (tx: Prisma.TransactionClient) => {
    if (followUp) await tx.ficheAction.update({ where: { id: input.ficheId }, data: { followUp } });
  };
  if (!meeting || placed) await writeFollowUp(db);
  else {
    await db.$transaction(async (tx) => {
      await writeFollowUp(tx);
      await appendAgendaItem(tx, {
        meetingId: meeting.id,
        title,
        kind: input.instanceKind === 'cotech' ? 'avis' : 'decision',
        ficheId: input.ficheId,
      });
    });
  }
  if (!meeting) return null;
  return { meetingId: meeting.id, added: !placed, startsAt: meeting.startsAt.toISOString(), title: meeting.title };
}

/** What the fiche waits for, with the review's deadlines once its meeting is known. */
function followUpOf(input: PutOnAgendaInput, startsAt: Date | null): FollowUp | null {
  if (!input.followUp) return null;
  const { what, timing } = input.followUp;
  if (!startsAt) return { kind: 'review', what };
  const { reminder, escalation } = reviewDeadlines(startsAt.toISOString(), input.instanceKind, timing);
  return { kind: 'review', what, reminder: reminder.toISOString(), escalation: escalation.toISOString() };
}

import type { InstanceKind } from '../../domain/charter.js';
import { reviewDeadlines, type FollowUp, type ReviewTiming } from '../../domain/lifecycle/follow-up.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { appendAgendaItem } from './append-agenda-item.js';

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
 * null when no meeting is scheduled yet (the workflow then waits for one).
 */
export async function putOnNextAgenda(db: PrismaClient, input: PutOnAgendaInput): Promise<AgendaPlacement | null> {
  return db.$transaction(async (tx) => {
    const scheduled = {
      conventionId: input.conventionId,
      instance: { kind: input.instanceKind },
      status: { in: ['planifiee', 'convoquee'] },
      startsAt: { gte: new Date(input.after) },
    };
    const fiche = await tx.ficheAction.findUniqueOrThrow({
      where: { id: input.ficheId },
      include: { versions: { where: { version: input.version } } },
    });
    const title = `Fiche ${fiche.code} (version ${input.version}) : ${fiche.versions[0]?.title ?? ''}`;
    const placed = await tx.meeting.findFirst({
      where: { ...scheduled, agenda: { some: { ficheId: input.ficheId, title } } },
      orderBy: { startsAt: 'asc' },
    });
    const followed = async (startsAt: Date | null) => {
      if (!input.followUp) return;
      const { what, timing } = input.followUp;
      let followUp: FollowUp = { kind: 'review', what };
      if (startsAt) {
        const { reminder, escalation } = reviewDeadlines(startsAt.toISOString(), input.instanceKind, timing);
        followUp = { ...followUp, reminder: reminder.toISOString(), escalation: escalation.toISOString() };
      }
      await tx.ficheAction.update({ where: { id: input.ficheId }, data: { followUp } });
    };
    if (placed) {
      await followed(placed.startsAt);
      return { meetingId: placed.id, added: false, startsAt: placed.startsAt.toISOString(), title: placed.title };
    }
    const meeting = await tx.meeting.findFirst({ where: scheduled, orderBy: { startsAt: 'asc' } });
    await followed(meeting?.startsAt ?? null);
    if (!meeting) return null;
    await appendAgendaItem(tx, {
      meetingId: meeting.id,
      title,
      kind: input.instanceKind === 'cotech' ? 'avis' : 'decision',
      ficheId: input.ficheId,
    });
    return { meetingId: meeting.id, added: true, startsAt: meeting.startsAt.toISOString(), title: meeting.title };
  });
}

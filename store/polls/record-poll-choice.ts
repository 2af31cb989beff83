import type { PrismaClient } from '../../generated/prisma/client.js';

/** The date a poll settled on and the meeting made of it. */
export interface PollChoice {
  pollId: string;
  option: { id: string; label: string };
  meetingId: string;
  /** « regle », or who broke the tie. */
  chosenBy: string;
  /** When the poll closed to answers, if it did before the choice. */
  closedAt: Date | null;
  at: Date;
}

/** Closes the poll on its chosen date and meeting, with its audit line, together; once per poll. */
export async function recordPollChoice(db: PrismaClient, choice: PollChoice): Promise<void> {
  const key = `poll-${choice.pollId}:chosen`;
  await db.$transaction([
    db.poll.update({
      where: { id: choice.pollId },
      data: {
        status: 'clos',
        chosenOptionId: choice.option.id,
        chosenBy: choice.chosenBy,
        meetingId: choice.meetingId,
        closedAt: choice.closedAt ?? choice.at,
      },
    }),
    db.auditEvent.upsert({
      where: { key },
      create: {
        key,
        actor: choice.chosenBy === 'regle' ? 'concerto' : choice.chosenBy,
        action: 'poll.clos',
        subject: `poll:${choice.pollId}`,
        details: {
          optionId: choice.option.id,
          label: choice.option.label,
          meetingId: choice.meetingId,
          chosenBy: choice.chosenBy,
        },
        at: choice.at,
      },
      update: {},
    }),
  ]);
}

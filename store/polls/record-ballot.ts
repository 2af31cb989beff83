import type { PollAnswer } from '../../domain/poll-rules.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** One participant's whole ballot, written over what they answered before. */
export interface BallotRecord {
  pollId: string;
  email: string;
  answers: Record<string, PollAnswer>;
  signUps: string[];
}

/**
 * Writes a ballot: one Vote row per date, the sign-up on each, and its audit line; the same ballot
 * twice changes nothing, and an audit line with a key already written is not written again.
 */
export async function recordBallot(db: PrismaClient, ballot: BallotRecord, auditKey?: string): Promise<void> {
  const email = ballot.email.toLowerCase();
  await db.$transaction([
    ...Object.entries(ballot.answers).map(([optionId, answer]) =>
      db.vote.upsert({
        where: { optionId_voterEmail: { optionId, voterEmail: email } },
        create: { optionId, voterEmail: email, answer, volunteer: ballot.signUps.includes(optionId) },
        update: { answer, volunteer: ballot.signUps.includes(optionId) },
      }),
    ),
    db.auditEvent.createMany({
      data: [
        {
          actor: email,
          action: 'poll.vote',
          subject: `poll:${ballot.pollId}`,
          details: { answers: ballot.answers, signUps: ballot.signUps },
          at: new Date(),
          ...(auditKey ? { key: auditKey } : {}),
        },
      ],
      skipDuplicates: true,
    }),
  ]);
}

import type { PollAnswer } from '../../domain/poll-rules.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** One participant's whole ballot, written over what they answered before. */
export interface BallotRecord {
  pollId: string;
  email: string;
  answers: Record<string, PollAnswer>;
  signUps: string[];
}

/** Writes a ballot: one Vote row per date, the sign-up on each; the same ballot twice changes nothing. */
export async function recordBallot(db: PrismaClient, ballot: BallotRecord): Promise<void> {
  const email = ballot.email.toLowerCase();
  await db.$transaction(
    Object.entries(ballot.answers).map(([optionId, answer]) =>
      db.vote.upsert({
        where: { optionId_voterEmail: { optionId, voterEmail: email } },
        create: { optionId, voterEmail: email, answer, volunteer: ballot.signUps.includes(optionId) },
        update: { answer, volunteer: ballot.signUps.includes(optionId) },
      }),
    ),
  );
}

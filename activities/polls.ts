import { ApplicationFailure } from '@temporalio/activity';
import type { PollAnswer, PollStatus } from '../domain/poll-rules.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { createMeetingRecord } from '../store/meetings/create-meeting.js';
import type { MeetingWorkflowInput } from '../workflows/meeting-definitions.js';

/** One participant's whole ballot, written over what they answered before. */
export interface BallotRecord {
  pollId: string;
  email: string;
  answers: Record<string, PollAnswer>;
  signUps: string[];
}

export interface PollStatusChange {
  pollId: string;
  /** The audit line's key: a retried activity writes nothing twice. */
  idempotencyKey: string;
  status: PollStatus;
  actorEmail: string;
  at: string;
  details?: Record<string, string | number | boolean>;
}

export interface PollMeetingRequest {
  pollId: string;
  optionId: string;
  /** « regle », or who broke the tie. */
  chosenBy: string;
  at: string;
}

/** Activities over the polls tables: ballots, closing, and the meeting of the chosen date. */
export function createPollActivities(prisma: PrismaClient) {
  return {
    /** Writes a ballot: one Vote row per date, the sign-up on each; the same ballot twice changes nothing. */
    async recordBallot(ballot: BallotRecord): Promise<void> {
      const email = ballot.email.toLowerCase();
      await prisma.$transaction(
        Object.entries(ballot.answers).map(([optionId, answer]) =>
          prisma.vote.upsert({
            where: { optionId_voterEmail: { optionId, voterEmail: email } },
            create: { optionId, voterEmail: email, answer, volunteer: ballot.signUps.includes(optionId) },
            update: { answer, volunteer: ballot.signUps.includes(optionId) },
          }),
        ),
      );
    },

    /** Records the poll's status (closed to answers, waiting for the organiser's choice) with its audit line. */
    async recordPollStatus(change: PollStatusChange): Promise<void> {
      await prisma.$transaction(async (tx) => {
        if (await tx.auditEvent.findUnique({ where: { key: change.idempotencyKey } })) return;
        const at = new Date(change.at);
        await tx.poll.update({ where: { id: change.pollId }, data: { status: change.status, closedAt: at } });
        await tx.auditEvent.create({
          data: {
            key: change.idempotencyKey,
            actor: change.actorEmail,
            action: `poll.${change.status}`,
            subject: `poll:${change.pollId}`,
            details: change.details ?? {},
            at,
          },
        });
      });
    },

    /**
     * Records the chosen date and creates its meeting in the poll's instance (planned, with the
     * poll's title and place): once per poll, however often it runs. Gives the input of the
     * meeting's workflow, which the poll's workflow starts.
     */
    async createPollMeeting(
      request: PollMeetingRequest,
    ): Promise<{ meetingId: string; workflowId: string; input: MeetingWorkflowInput }> {
      const poll = await prisma.poll.findUniqueOrThrow({ where: { id: request.pollId }, include: { options: true } });
      const option = poll.options.find((o) => o.id === request.optionId);
      if (!option)
        throw ApplicationFailure.nonRetryable(`Poll ${poll.id} has no option ${request.optionId}.`, 'INVALID_INPUT');
      if (!poll.instanceId)
        throw ApplicationFailure.nonRetryable(
          `Poll ${poll.id} names no instance: no meeting can be created.`,
          'INVALID_INPUT',
        );
      const at = new Date(request.at);
      const record = await createMeetingRecord(prisma, {
        conventionId: poll.conventionId,
        instanceId: poll.instanceId,
        title: poll.title,
        startsAt: option.startsAt.toISOString(),
        endsAt: option.endsAt.toISOString(),
        location: poll.location ?? undefined,
        actorEmail: poll.organizerEmail,
        key: `poll-${poll.id}`,
        at,
      });
      await prisma.$transaction([
        prisma.poll.update({
          where: { id: poll.id },
          data: {
            status: 'clos',
            chosenOptionId: option.id,
            chosenBy: request.chosenBy,
            meetingId: record.meetingId,
            closedAt: poll.closedAt ?? at,
          },
        }),
        prisma.auditEvent.upsert({
          where: { key: `poll-${poll.id}:chosen` },
          create: {
            key: `poll-${poll.id}:chosen`,
            actor: request.chosenBy === 'regle' ? 'concerto' : request.chosenBy,
            action: 'poll.clos',
            subject: `poll:${poll.id}`,
            details: {
              optionId: option.id,
              label: option.label,
              meetingId: record.meetingId,
              chosenBy: request.chosenBy,
            },
            at,
          },
          update: {},
        }),
      ]);
      return { meetingId: record.meetingId, workflowId: record.workflowId, input: record.input };
    },
  };
}

export type PollActivities = ReturnType<typeof createPollActivities>;

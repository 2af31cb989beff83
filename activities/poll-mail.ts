import { ApplicationFailure } from '@temporalio/activity';
import type { ChoiceReason } from '../domain/poll-rules.js';
import { voteLink } from '../infra/links/signed-links.js';
import { composePollMail, type PollMailKind } from '../documents/mail/poll-mail.js';
import type { ConventionStore } from '../store/conventions/convention-store.js';
import type { PollStore } from '../store/polls/poll-store.js';
import {
  sendEachLine,
  sendWorkflowMail,
  type MailActivities,
  type NoticeResult,
  type NotificationResult,
} from './mail.js';

/** One mail of a poll to one person; the poll's facts and answers are read when it is sent. */
export interface PollMailRequest {
  pollId: string;
  workflowId: string;
  recipient: string;
  kind: PollMailKind;
  /** Tells this sending from the others of the poll (`invitation`, `reminder-J3`, `result`). */
  occasion: string;
  daysBefore?: number;
  tied?: string[];
  chosen?: { optionId: string; reason: ChoiceReason | null; chosenBy: string };
}

/** One mail of a poll to several people. */
export type PollMailingRequest = Omit<PollMailRequest, 'recipient'> & { recipients: readonly string[] };

export interface PollMailDependencies {
  polls: PollStore;
  conventions: ConventionStore;
  send: MailActivities['sendNotification'];
  /** Base URL of the web pages, for the signed links. */
  publicUrl: string;
  linkSecret: string;
}

/** A link keeps working this long after the deadline, so a late click finds the result, not an error. */
const LINK_GRACE_MS = 60 * 86_400_000;

/**
 * Mails of a date poll: the invitation and the reminders carry the participant's own link to the
 * voting page; the tie mails carry the organiser's link to choose. Each is sent once per (poll,
 * occasion, recipient) through the notification ledger (activities/mail.ts).
 */
export function createPollMailActivities({ polls, conventions, send, publicUrl, linkSecret }: PollMailDependencies) {
  async function findPoll(pollId: string) {
    const poll = await polls.find(pollId);
    if (!poll) throw ApplicationFailure.nonRetryable(`No poll ${pollId}.`, 'INVALID_INPUT');
    return poll;
  }

  async function mail(poll: Awaited<ReturnType<typeof findPoll>>, request: PollMailRequest) {
    const deadline = poll.deadline ?? new Date();
    const name = await conventions.findPersonName(request.recipient);
    const forOrganiser = request.kind === 'tie' || request.kind === 'tie_reminder';
    const linked = forOrganiser || request.kind === 'invitation' || request.kind === 'reminder';
    const composed = composePollMail({
      kind: request.kind,
      poll: {
        title: poll.title,
        ...(poll.description ? { description: poll.description } : {}),
        instanceName: poll.instance?.name ?? '',
        ...(poll.location ? { location: poll.location } : {}),
        deadline,
        zone: poll.zone,
      },
      options: poll.options.map((o) => ({ id: o.id, label: o.label, capacity: o.capacity, tally: o.tally })),
      recipient: { name: name ?? '', email: request.recipient },
      ...(linked
        ? {
            link: voteLink({
              publicUrl,
              secret: linkSecret,
              pollId: poll.pollId,
              email: request.recipient,
              expiresAt: new Date(Math.max(deadline.getTime(), Date.now()) + LINK_GRACE_MS),
              ...(forOrganiser ? { answer: 'departage' as const } : {}),
            }),
          }
        : {}),
      ...(request.daysBefore !== undefined ? { daysBefore: request.daysBefore } : {}),
      ...(request.tied ? { tied: request.tied } : {}),
      ...(request.chosen ? { chosen: request.chosen } : {}),
    });
    return sendWorkflowMail(send, request, {
      subject: composed.subject,
      text: composed.text,
      html: composed.html,
    });
  }

  return {
    sendPollMail: async (request: PollMailRequest): Promise<NotificationResult> =>
      mail(await findPoll(request.pollId), request),
    /** One mail of the poll to each of `recipients` in one activity, the poll read once (sendEachLine). */
    async sendPollMails({ recipients, ...request }: PollMailingRequest): Promise<NoticeResult> {
      const poll = await findPoll(request.pollId);
      return sendEachLine(recipients, (recipient) => mail(poll, { ...request, recipient }));
    },
  };
}

export type PollMailActivities = ReturnType<typeof createPollMailActivities>;

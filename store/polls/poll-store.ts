import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { createPoll } from './create-poll.js';
import { findPollForMeeting } from './find-poll-for-meeting.js';
import { findPollState } from './find-poll-state.js';
import { findPoll } from './find-poll.js';
import { listPolls } from './list-polls.js';
import { recordBallot } from './record-ballot.js';
import { recordPollChoice } from './record-poll-choice.js';
import { recordPollStatus } from './record-poll-status.js';
import { listSetupPolls, recordSetupPollStart } from './setup-polls.js';

/** Date polls: their options, ballots, status and chosen date. */
export function createPollStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    create: bind(createPoll),
    find: bind(findPoll),
    findState: bind(findPollState),
    listSetupPolls: bind(listSetupPolls),
    recordSetupPollStart: bind(recordSetupPollStart),
    findForMeeting: bind(findPollForMeeting),
    list: bind(listPolls),
    recordBallot: bind(recordBallot),
    recordStatus: bind(recordPollStatus),
    recordChoice: bind(recordPollChoice),
  };
}

export type PollStore = ReturnType<typeof createPollStore>;

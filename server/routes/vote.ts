import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { frenchInstant } from '../pages/format.js';
import type { PollAnswer } from '../../domain/poll-rules.js';
import type { Store } from '../../store/index.js';
import { LinkError, verifyLink, type LinkPayload } from '../../infra/links/signed-links.js';
import { type PollView } from '../../store/polls/find-poll.js';
import { chooseAmongTiedUpdate, pollStateQuery, voteUpdate } from '../../workflows/poll-definitions.js';
import { toHttpError } from '../errors.js';
import { sendPage } from '../pages/link-page-layout.js';
import { LINK_REFUSALS } from './rsvp.js';
import { RSVP_PAGE_CSP, refusedPage, type RefusedPageInput } from '../pages/rsvp-pages.js';
import { VOTE_PAGE_CSP, choosePage, resultPage, votePage } from '../pages/vote-pages.js';
import { route } from '../route.js';
import { prepareLinkPageScope } from './link-page-scope.js';

/** Dependencies of {@link voteRoutes}. */
export interface VoteRouteDependencies {
  store: Store;
  client: Client;
  /** The secret links are signed with (infra/links/signed-links.ts). */
  secret: string;
  /** Default: the clock. */
  now?: () => Date;
}

const ASK_AGAIN = 'Demandez un nouveau lien à l’organisateur du sondage.';

/**
 * The voting page of a date poll, for people without an account: GET /vote/:token shows the poll
 * and the form (or the result once it is closed), POST /vote/:token records the answers through
 * the poll's workflow, whose validator refuses a full date or a closed poll before anything is
 * recorded. The organiser's link (answer `departage`) opens the choice among tied dates instead.
 * Only the POST records, since mail security scanners open every link of a mail.
 */
export const voteRoutes: FastifyPluginAsync<VoteRouteDependencies> = async (scope, deps) => {
  const now = deps.now ?? (() => new Date());

  prepareLinkPageScope(scope, {
    bodyLimit: 16_384,
    csp: RSVP_PAGE_CSP,
    askAgain: ASK_AGAIN,
    failed: {
      message: 'Votre réponse n’a pas pu être traitée : l’erreur a été consignée.',
      whatToDo: 'Réessayez dans un instant ; si cela se reproduit, prévenez l’organisateur du sondage.',
    },
    logAs: 'vote page',
  });

  route<{ Params: { token: string } }>(
    scope,
    {
      method: 'GET',
      url: '/vote/:token',
      summary: 'The voting page of a date poll',
      tag: 'liens signés',
      access: 'link',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404, 409, 410],
    },
    async (request, reply) => {
      const opened = await open(request.params.token);
      if ('refused' in opened) return refuse(reply, opened.refused.status, opened.refused.page);
      const { payload, poll } = opened;
      if (payload.answer === 'departage') {
        if (poll.status === 'departage')
          return sendVotePage(reply, 200, choosePage({ poll, tied: await tiedOf(poll) }));
        return sendVotePage(reply, 200, resultPage({ poll, message: statusMessage(poll) }));
      }
      if (!isOpen(poll))
        return sendVotePage(
          reply,
          200,
          resultPage({
            poll,
            answers: poll.ballots[payload.email.toLowerCase()]?.answers ?? {},
            message: statusMessage(poll),
          }),
        );
      const ballot = poll.ballots[payload.email.toLowerCase()];
      return sendVotePage(
        reply,
        200,
        votePage({ poll, email: payload.email, answers: ballot?.answers ?? {}, signUps: ballot?.signUps ?? [] }),
      );
    },
  );

  route<{ Params: { token: string }; Body: unknown }>(
    scope,
    {
      method: 'POST',
      url: '/vote/:token',
      summary: 'Record a vote, or the organiser’s choice among tied dates',
      tag: 'liens signés',
      access: 'link',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404, 409, 410],
    },
    async (request, reply) => {
      const opened = await open(request.params.token);
      if ('refused' in opened) return refuse(reply, opened.refused.status, opened.refused.page);
      const { payload, poll } = opened;
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      const handle = deps.client.workflow.getHandle(poll.workflowId ?? '');

      if (payload.answer === 'departage') {
        if (poll.status !== 'departage' || !poll.workflowId)
          return sendVotePage(reply, 409, resultPage({ poll, message: statusMessage(poll) }));
        const optionId = form.get('optionId') ?? '';
        try {
          await handle.executeUpdate(chooseAmongTiedUpdate, {
            args: [{ actor: { email: payload.email, appRole: 'membre', instanceRoles: {} }, optionId }],
          });
        } catch (error) {
          const refusal = refusalOf(error);
          return sendVotePage(
            reply,
            refusal.status,
            choosePage({ poll, tied: await tiedOf(poll), error: refusal.message }),
          );
        }
        const settled = (await deps.store.polls.find(poll.pollId)) ?? poll;
        return sendVotePage(reply, 200, resultPage({ poll: settled, message: statusMessage(settled) }));
      }

      if (!isOpen(poll) || !poll.workflowId) {
        return sendVotePage(
          reply,
          409,
          resultPage({
            poll,
            answers: poll.ballots[payload.email.toLowerCase()]?.answers ?? {},
            message: statusMessage(poll),
          }),
        );
      }
      const answers: Record<string, string> = {};
      for (const option of poll.options) {
        const answer = form.get(`answer-${option.id}`);
        if (answer !== null) answers[option.id] = answer;
      }
      const signUps = form.getAll('signup');
      try {
        await handle.executeUpdate(voteUpdate, {
          args: [{ email: payload.email, answers: answers as Record<string, PollAnswer>, signUps }],
        });
      } catch (error) {
        const refusal = refusalOf(error);
        return sendVotePage(
          reply,
          refusal.status,
          votePage({ poll, email: payload.email, answers, signUps, error: refusal.message }),
        );
      }
      const recorded = (await deps.store.polls.find(poll.pollId)) ?? poll;
      const ballot = recorded.ballots[payload.email.toLowerCase()];
      return sendVotePage(
        reply,
        200,
        votePage({
          poll: recorded,
          email: payload.email,
          answers: ballot?.answers ?? answers,
          signUps: ballot?.signUps ?? signUps,
          recordedAt: now(),
        }),
      );
    },
  );

  type Opened = { payload: LinkPayload; poll: PollView } | { refused: { status: number; page: RefusedPageInput } };

  /** The link's payload and its poll, or why the page cannot be shown. */
  async function open(token: string): Promise<Opened> {
    let payload: LinkPayload;
    try {
      payload = verifyLink(token, deps.secret, { purpose: 'vote', now: now() });
      if (payload.answer !== undefined && payload.answer !== 'departage')
        throw new LinkError('malformed', `vote link with answer ${payload.answer}`);
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      const { status, title } = LINK_REFUSALS[error.reason];
      return { refused: { status, page: { title, message: error.userMessage, whatToDo: ASK_AGAIN } } };
    }
    const poll = await deps.store.polls.find(payload.subject);
    if (!poll) {
      return {
        refused: {
          status: 404,
          page: {
            title: 'Sondage introuvable',
            message: 'Ce sondage n’existe pas ou plus : il a peut-être été supprimé.',
            whatToDo: ASK_AGAIN,
          },
        },
      };
    }
    const email = payload.email.toLowerCase();
    const allowed =
      payload.answer === 'departage' ? email === poll.organizerEmail.toLowerCase() : poll.participants.includes(email);
    if (!allowed) {
      return {
        refused: {
          status: 403,
          page: {
            title: 'Accès refusé',
            message: `L’adresse ${payload.email} ne figure pas parmi les participants de ce sondage.`,
            whatToDo: ASK_AGAIN,
          },
        },
      };
    }
    return { payload, poll };
  }

  function isOpen(poll: PollView): boolean {
    return poll.status === 'ouvert' && (poll.deadline === null || poll.deadline > now());
  }

  /** The dates of a tie, as the workflow holds them. */
  async function tiedOf(poll: PollView): Promise<string[]> {
    if (!poll.workflowId) return [];
    const state = await deps.client.workflow
      .getHandle(poll.workflowId)
      .query(pollStateQuery)
      .catch(() => null);
    return state?.tied ?? [];
  }
};

function statusMessage(poll: PollView): string {
  const chosen = poll.options.find((o) => o.id === poll.chosenOptionId);
  if (poll.status === 'clos' && chosen)
    return `Le sondage est clos. Date retenue : ${chosen.label}. La convocation suit par courriel.`;
  if (poll.status === 'departage')
    return (
      'Le sondage est clos : plusieurs dates sont à égalité, l’organisateur choisit. ' +
      'Chacun sera informé de la date retenue.'
    );
  if (poll.status === 'ouvert' && poll.deadline)
    return (
      `Le sondage est ouvert jusqu’au ${frenchInstant(poll.deadline, poll.zone)}` +
      `: il n’y a encore rien à départager.`
    );
  return 'Le sondage est clos : la date retenue sera communiquée par courriel.';
}

/** A refused update as the page says it: the validator's French message and its status. */
function refusalOf(error: unknown): { status: number; message: string } {
  if (error instanceof WorkflowNotFoundError) return { status: 409, message: 'Ce sondage ne prend plus de réponses.' };
  if (error instanceof WorkflowUpdateFailedError) {
    const mapped = toHttpError(error);
    if (mapped.status < 500) return { status: mapped.status, message: mapped.message };
  }
  throw error;
}

function refuse(reply: FastifyReply, status: number, page: RefusedPageInput) {
  return sendPage(reply, status, refusedPage(page), RSVP_PAGE_CSP);
}

function sendVotePage(reply: FastifyReply, status: number, html: string) {
  return sendPage(reply, status, html, VOTE_PAGE_CSP);
}

import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { RSVP_PARTSTATS, type RsvpPartStat } from '../../domain/meeting-rules.js';
import { frenchInstant } from '../pages/format.js';
import { LinkError, rsvpLinks, verifyLink, type LinkPayload } from '../../infra/links/signed-links.js';
import type { Store } from '../../store/index.js';
import { RsvpError, type RsvpErrorCode, type RsvpRecorded } from '../../store/meetings/record-rsvp.js';
import { sendPage as sendHtmlPage } from '../pages/link-page-layout.js';
import {
  ANSWER_LABELS,
  RSVP_PAGE_CSP,
  confirmPage,
  recordedPage,
  refusedPage,
  type RefusedPageInput,
} from '../pages/rsvp-pages.js';
import { route } from '../route.js';
import { prepareLinkPageScope } from './link-page-scope.js';

/** Dependencies of {@link rsvpRoutes}. */
export interface RsvpRouteDependencies {
  store: Store;
  /** The secret links are signed with (infra/links/signed-links.ts). */
  secret: string;
  /** Base of the fresh links the confirmation page offers (PUBLIC_URL). */
  publicUrl: string;
  /**
   * Called once an answer is recorded (the meeting workflow is told through it). Its failure is
   * logged and does not change the page: the answer is in the database already.
   */
  onRsvp?: (rsvp: RsvpRecorded) => Promise<void> | void;
  /** Default: the clock. */
  now?: () => Date;
}

const ASK_AGAIN =
  'Demandez une nouvelle invitation au secrétariat de l’instance, ou répondez depuis votre agenda ' +
  'avec les boutons de l’invitation (Accepter, Peut-être, Refuser).';

/** Status and page title of each refused link, for every page a signed link opens. */
export const LINK_REFUSALS: Record<LinkError['reason'], { status: number; title: string }> = {
  forged: { status: 400, title: 'Lien non valide' },
  malformed: { status: 400, title: 'Lien non valide' },
  wrong_purpose: { status: 400, title: 'Lien non valide' },
  expired: { status: 410, title: 'Lien expiré' },
};
const RSVP_REFUSALS: Record<RsvpErrorCode, { status: number; title: string }> = {
  LINK_ALREADY_USED: { status: 409, title: 'Lien déjà utilisé' },
  MEETING_NOT_FOUND: { status: 404, title: 'Réunion introuvable' },
  NOT_INVITED: { status: 404, title: 'Invitation introuvable' },
  MEETING_CANCELLED: { status: 410, title: 'Réunion annulée' },
  STALE_REPLY: { status: 409, title: 'Réponse dépassée' },
};

/**
 * The answer links of invitation mails, for people without an account: GET /rsvp/:token shows the
 * meeting and the answer with a button, POST /rsvp/:token records it. Only the POST records,
 * because mail security scanners (Outlook Safe Links and the like) open every link of a mail.
 * Every answer is an HTML page in French; a refused link gets its own status and says what to do.
 */
export const rsvpRoutes: FastifyPluginAsync<RsvpRouteDependencies> = async (scope, deps) => {
  const now = deps.now ?? (() => new Date());

  // What the confirmation form posts carries nothing the route needs.
  prepareLinkPageScope(scope, {
    bodyLimit: 4096,
    csp: RSVP_PAGE_CSP,
    askAgain: ASK_AGAIN,
    failed: {
      message: 'Votre réponse n’a pas pu être traitée : l’erreur a été consignée.',
      whatToDo:
        'Réessayez dans un instant ; si cela se reproduit, répondez depuis votre agenda ou prévenez le secrétariat ' +
        'de l’instance.',
    },
    logAs: 'rsvp page',
  });

  route<{ Params: { token: string } }>(
    scope,
    {
      method: 'GET',
      url: '/rsvp/:token',
      summary: 'The page an invitation’s answer link opens (asks to confirm)',
      tag: 'liens signés',
      access: 'link',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404, 409, 410],
    },
    async (request, reply) => {
      const opened = openLink(request.params.token, deps.secret, now());
      if ('refused' in opened) return sendPage(reply, opened.refused.status, refusedPage(opened.refused.page));
      const { payload, answer } = opened;
      try {
        const view = await deps.store.meetings.findRsvpInvitation({
          meetingId: payload.subject,
          email: payload.email,
          link: { id: payload.jti, answer },
        });
        return sendPage(
          reply,
          200,
          confirmPage({ meeting: view.meeting, email: view.email, answer, current: view.partstat }),
        );
      } catch (error) {
        if (error instanceof RsvpError) return sendRefusal(reply, error);
        throw error;
      }
    },
  );

  route<{ Params: { token: string } }>(
    scope,
    {
      method: 'POST',
      url: '/rsvp/:token',
      summary: 'Record the answer the link gives',
      tag: 'liens signés',
      access: 'link',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404, 409, 410],
    },
    async (request, reply) => {
      const at = now();
      const opened = openLink(request.params.token, deps.secret, at);
      if ('refused' in opened) return sendPage(reply, opened.refused.status, refusedPage(opened.refused.page));
      const { payload, answer } = opened;
      let recorded: RsvpRecorded;
      try {
        recorded = await deps.store.meetings.recordRsvp({
          meeting: { id: payload.subject },
          email: payload.email,
          partstat: answer,
          source: 'link',
          at,
          linkId: payload.jti,
        });
      } catch (error) {
        if (error instanceof RsvpError) return sendRefusal(reply, error);
        throw error;
      }
      try {
        await deps.onRsvp?.(recorded);
      } catch (error) {
        request.log.error(
          { err: error, meetingId: recorded.meetingId },
          'rsvp recorded, but telling the meeting workflow failed',
        );
      }
      const view = await deps.store.meetings.findRsvpInvitation({
        meetingId: recorded.meetingId,
        email: recorded.email,
      });
      const fresh = rsvpLinks({
        publicUrl: deps.publicUrl,
        secret: deps.secret,
        meetingId: recorded.meetingId,
        email: payload.email,
        expiresAt: new Date(payload.exp * 1000),
      });
      const changeLinks = (
        [
          { answer: 'ACCEPTED', url: fresh.accept },
          { answer: 'TENTATIVE', url: fresh.tentative },
          { answer: 'DECLINED', url: fresh.decline },
        ] as const
      ).filter((link) => link.answer !== answer);
      return sendPage(
        reply,
        200,
        recordedPage({
          meeting: view.meeting,
          email: view.email,
          answer,
          at: recorded.at,
          changeLinks: [...changeLinks],
        }),
      );
    },
  );
};

type Opened = { payload: LinkPayload; answer: RsvpPartStat } | { refused: { status: number; page: RefusedPageInput } };

function openLink(token: string, secret: string, at: Date): Opened {
  try {
    const payload = verifyLink(token, secret, { purpose: 'rsvp', now: at });
    const answer = RSVP_PARTSTATS.find((value) => value === payload.answer);
    if (!answer) throw new LinkError('malformed', `rsvp link without a valid answer (${String(payload.answer)})`);
    return { payload, answer };
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    const { status, title } = LINK_REFUSALS[error.reason];
    return { refused: { status, page: { title, message: error.userMessage, whatToDo: ASK_AGAIN } } };
  }
}

function sendRefusal(reply: FastifyReply, error: RsvpError) {
  const { status, title } = RSVP_REFUSALS[error.code];
  const details: string[] = [];
  let whatToDo = ASK_AGAIN;
  if (error.details) {
    const { usedAt, answer, current } = error.details;
    details.push(`Il a été utilisé le ${frenchInstant(usedAt)}, pour répondre « ${ANSWER_LABELS[answer]} ».`);
    if (current !== answer) details.push(`Votre réponse enregistrée aujourd’hui : « ${ANSWER_LABELS[current]} ».`);
    whatToDo =
      'Pour changer de réponse, utilisez un autre bouton du courriel d’invitation ou répondez depuis votre agenda ; ' +
      'sinon, demandez une nouvelle invitation au secrétariat de l’instance.';
  } else if (error.code === 'MEETING_CANCELLED') {
    whatToDo = 'Vous n’avez rien à faire. Pour toute question, adressez-vous au secrétariat de l’instance.';
  }
  return sendPage(reply, status, refusedPage({ title, message: error.userMessage, details, whatToDo }));
}

function sendPage(reply: FastifyReply, status: number, html: string) {
  return sendHtmlPage(reply, status, html, RSVP_PAGE_CSP);
}

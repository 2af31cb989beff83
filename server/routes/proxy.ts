import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { LinkError, verifyLink, type LinkPayload } from '../../infra/links/signed-links.js';
import type { Store } from '../../store/index.js';
import { sendPage as sendHtmlPage } from '../pages/link-page-layout.js';
import { PROXY_PAGE_CSP, proxyFormPage, proxyRecordedPage } from '../pages/proxy-pages.js';
import { refusedPage } from '../pages/rsvp-pages.js';
import { route } from '../route.js';
import { prepareLinkPageScope } from './link-page-scope.js';
import { LINK_REFUSALS } from './rsvp.js';

/** Dependencies of {@link proxyRoutes}. */
export interface ProxyRouteDependencies {
  store: Store;
  /** The secret links are signed with (infra/links/signed-links.ts). */
  secret: string;
  /** Default: the clock. */
  now?: () => Date;
}

const ASK_AGAIN = 'Demandez au secrétariat de l’instance d’enregistrer votre pouvoir.';
const PAGE = { status: 200, description: 'HTML page', contentType: 'text/html' } as const;

/**
 * The pouvoir link a titulaire gets in answer to their decline (workflows/meeting.ts): GET
 * /pouvoir/:token lists the members convened who will come, POST /pouvoir/:token records the
 * choice (once: the link is single use), within the instance's limit of pouvoirs per holder. A
 * refused choice shows the form again with the reason, the link still good.
 */
export const proxyRoutes: FastifyPluginAsync<ProxyRouteDependencies> = async (scope, deps) => {
  const now = deps.now ?? (() => new Date());
  prepareLinkPageScope(scope, {
    bodyLimit: 4096,
    csp: PROXY_PAGE_CSP,
    askAgain: ASK_AGAIN,
    failed: {
      message: 'Votre pouvoir n’a pas pu être enregistré : l’erreur a été consignée.',
      whatToDo: `Réessayez dans un instant ; sinon, ${ASK_AGAIN.charAt(0).toLowerCase()}${ASK_AGAIN.slice(1)}`,
    },
    logAs: 'proxy page',
  });

  route<{ Params: { token: string } }>(
    scope,
    {
      method: 'GET',
      url: '/pouvoir/:token',
      summary: 'The page a pouvoir link opens: the members one may give a pouvoir to',
      tag: 'liens signés',
      access: 'link',
      success: PAGE,
      errors: [400, 404, 410],
    },
    async (request, reply) => {
      const payload = open(request.params.token, deps.secret, now());
      if ('refused' in payload) return sendPage(reply, payload.refused.status, payload.refused.html);
      try {
        const choice = await deps.store.meetings.findProxyChoice({ meetingId: payload.subject, email: payload.email });
        return sendPage(reply, 200, proxyFormPage(choice));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return sendPage(
          reply,
          404,
          refusedPage({ title: 'Invitation introuvable', message: error.message, whatToDo: ASK_AGAIN }),
        );
      }
    },
  );

  route<{ Params: { token: string } }>(
    scope,
    {
      method: 'POST',
      url: '/pouvoir/:token',
      summary: 'Record the pouvoir the form names',
      tag: 'liens signés',
      access: 'link',
      success: PAGE,
      errors: [400, 409, 410],
    },
    async (request, reply) => {
      const at = now();
      const payload = open(request.params.token, deps.secret, at);
      if ('refused' in payload) return sendPage(reply, payload.refused.status, payload.refused.html);
      const to = new URLSearchParams(typeof request.body === 'string' ? request.body : '').get('to') ?? '';
      const meetingId = payload.subject;
      try {
        await deps.store.meetings.recordProxy({ meetingId, from: payload.email, to, linkId: payload.jti, at });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const choice = await deps.store.meetings.findProxyChoice({ meetingId, email: payload.email });
        const message = to === '' ? 'Choisissez le membre qui votera en votre nom.' : error.message;
        return sendPage(reply, error.code === 'WRONG_STAGE' ? 409 : 400, proxyFormPage(choice, message));
      }
      const choice = await deps.store.meetings.findProxyChoice({ meetingId, email: payload.email });
      return sendPage(reply, 200, proxyRecordedPage(choice, choice.giver.holder ?? to));
    },
  );
};

function open(token: string, secret: string, at: Date): LinkPayload | { refused: { status: number; html: string } } {
  try {
    return verifyLink(token, secret, { purpose: 'proxy', now: at });
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    const { status, title } = LINK_REFUSALS[error.reason];
    return { refused: { status, html: refusedPage({ title, message: error.userMessage, whatToDo: ASK_AGAIN }) } };
  }
}

function sendPage(reply: FastifyReply, status: number, html: string) {
  return sendHtmlPage(reply, status, html, PROXY_PAGE_CSP);
}

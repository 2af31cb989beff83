import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { takeStep } from '../../client/fiche-steps.js';
import { DomainError } from '../../domain/errors.js';
import type { FicheState } from '../../domain/fiche-views.js';
import { parseAction } from '../../domain/lifecycle/action-schemas.js';
import { PARTNER_LABELS } from '../../domain/lifecycle/labels.js';
import { describeState } from '../../domain/lifecycle/phrasing.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { formatFrench } from '../../domain/paris-time.js';
import { LinkError, parseOpinionSubject, verifyLink, type LinkPayload } from '../../infra/links/signed-links.js';
import type { Store } from '../../store/index.js';
import { ficheStateQuery, ficheWorkflowId } from '../../workflows/definitions.js';
import { toHttpError } from '../errors.js';
import { sendPage } from '../pages/link-page-layout.js';
import { partnerOf, stepInputFromForm } from '../pages/fiche-step-forms.js';
import {
  OPINION_PAGE_CSP,
  opinionPage,
  opinionRecordedPage,
  recordedSentence,
  type OpinionFiche,
} from '../pages/opinion-pages.js';
import { refusedPage, type RefusedPageInput } from '../pages/rsvp-pages.js';
import { route } from '../route.js';
import { prepareLinkPageScope } from './link-page-scope.js';
import { LINK_REFUSALS } from './rsvp.js';

/** Dependencies of {@link opinionRoutes}. */
export interface OpinionRouteDependencies {
  store: Store;
  client: Client;
  /** The secret links are signed with (infra/links/signed-links.ts). */
  secret: string;
  /** Default: the clock. */
  now?: () => Date;
}

const ASK_AGAIN =
  'Adressez-vous au coopérateur qui suit la fiche : il peut enregistrer l’avis pour vous, ou vous faire ' +
  'envoyer un nouveau lien.';

/** A page that shows no form: its status and what it says. */
type Refusal = { status: number; page: RefusedPageInput };
type Opened = { payload: LinkPayload; fiche: OpinionFiche; conventionId: string; workflowId: string };

/**
 * The opinion links of a partner's referents, for people without an account: GET /avis/:token shows
 * the fiche's version under review and the opinion form, POST /avis/:token records the opinion
 * through the fiche's workflow (client/fiche-steps.ts, as the API), whose validator has the last
 * word. Only the POST records, since mail security scanners open every link of a mail. A link is
 * used once: consumed before the update, given back when the update is refused.
 */
export const opinionRoutes: FastifyPluginAsync<OpinionRouteDependencies> = async (scope, deps) => {
  const now = deps.now ?? (() => new Date());

  prepareLinkPageScope(scope, {
    bodyLimit: 16_384,
    csp: OPINION_PAGE_CSP,
    askAgain: ASK_AGAIN,
    failed: {
      message: 'L’avis n’a pas pu être traité : l’erreur a été consignée.',
      whatToDo: `Réessayez dans un instant avec le même lien. ${ASK_AGAIN}`,
    },
    logAs: 'opinion page',
  });

  route<{ Params: { token: string } }>(
    scope,
    {
      method: 'GET',
      url: '/avis/:token',
      summary: 'The page a partner’s opinion link opens: the fiche and the opinion form',
      tag: 'liens signés',
      access: 'link',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404, 409, 410],
    },
    async (request, reply) => {
      const opened = await open(request.params.token);
      if ('status' in opened) return refuse(reply, opened);
      return sendOpinionPage(reply, 200, opinionPage({ fiche: opened.fiche, email: opened.payload.email, values: {} }));
    },
  );

  route<{ Params: { token: string }; Body: unknown }>(
    scope,
    {
      method: 'POST',
      url: '/avis/:token',
      summary: 'Record the partner’s opinion (opinion, comment)',
      tag: 'liens signés',
      access: 'link',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [400, 403, 404, 409, 410],
    },
    async (request, reply) => {
      const opened = await open(request.params.token);
      if ('status' in opened) return refuse(reply, opened);
      const { payload, fiche } = opened;
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      const values = { opinion: form.get('opinion') ?? '', comment: form.get('comment') ?? '' };
      const again = (status: number, error: unknown) => {
        const refused = toHttpError(error);
        if (refused.status >= 500) throw error;
        const issues = refused.issues?.length
          ? refused.issues
          : refused.field
            ? [{ field: refused.field, message: refused.message }]
            : [];
        const fields = Object.fromEntries(
          issues.filter((i) => i.field === 'opinion' || i.field === 'comment').map((i) => [i.field, i.message]),
        );
        return sendOpinionPage(
          reply,
          status || refused.status,
          opinionPage({ fiche, email: payload.email, values, error: { message: refused.message, fields } }),
        );
      };

      let actor: Actor;
      try {
        actor = await deps.store.access.findActor(opened.conventionId, { email: payload.email });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return refuse(reply, {
          status: 403,
          page: { title: 'Accès refusé', message: error.message, whatToDo: ASK_AGAIN },
        });
      }
      const input = {
        ...stepInputFromForm('recordPartnerOpinion', { ...values, partner: fiche.partner }).input,
        actor,
      } as Parameters<typeof takeStep<'recordPartnerOpinion'>>[2];
      // The form's own mistakes are told before the link is consumed, so it can be sent again.
      try {
        parseAction({ kind: 'recordPartnerOpinion', ...input });
      } catch (error) {
        if (error instanceof DomainError) return again(400, error);
        throw error;
      }
      const used = await deps.store.access.consumeLink(
        { jti: payload.jti, purpose: 'opinion', subject: payload.subject },
        now(),
      );
      if (used) return refuse(reply, alreadyUsed(used.usedAt, fiche));
      let state: FicheState;
      try {
        state = await takeStep(deps.client.workflow.getHandle(opened.workflowId), 'recordPartnerOpinion', input);
      } catch (error) {
        // Nothing was recorded: the link serves again.
        await deps.store.access.releaseLink(payload.jti);
        return again(0, error);
      }
      const recorded = state.lifecycle.review?.partnerOpinions[fiche.partner] ?? {
        opinion: input.opinion,
        by: actor.email,
        at: now().toISOString(),
        ...(input.comment ? { comment: input.comment } : {}),
      };
      return sendOpinionPage(reply, 200, opinionRecordedPage({ fiche, recorded }));
    },
  );

  /** The link's payload and the fiche's version it asks an opinion on, or the page saying why not. */
  async function open(token: string): Promise<Opened | Refusal> {
    let payload: LinkPayload;
    let subject: { ficheId: string; version: number };
    try {
      payload = verifyLink(token, deps.secret, { purpose: 'opinion', now: now() });
      const parsed = parseOpinionSubject(payload.subject);
      if (!parsed || !partnerOf(payload.answer)) throw new LinkError('malformed', `opinion link ${payload.subject}`);
      subject = parsed;
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      const { status, title } = LINK_REFUSALS[error.reason];
      return { status, page: { title, message: error.userMessage, whatToDo: ASK_AGAIN } };
    }
    const partner = partnerOf(payload.answer)!;
    const row = await deps.store.fiches.findRef(subject.ficheId);
    if (!row) {
      return {
        status: 404,
        page: { title: 'Fiche introuvable', message: 'Cette fiche n’existe pas ou plus.', whatToDo: ASK_AGAIN },
      };
    }
    const workflowId = row.workflowId ?? ficheWorkflowId(row.id);
    const [state, versions, usedAt] = await Promise.all([
      deps.client.workflow.getHandle(workflowId).query(ficheStateQuery),
      deps.store.fiches.listVersions(row.id),
      deps.store.access.findLinkUse(payload.jti),
    ]);
    const review = state.lifecycle.review;
    const fiche: OpinionFiche = {
      code: state.code ?? '',
      title: state.title,
      version: subject.version,
      partner,
      content: versions.find((v) => v.version === subject.version),
      review: review ?? {
        version: subject.version,
        stage: 'attente_copil',
        partnerOpinions: {},
        adjournments: 0,
        comments: [],
      },
    };
    if (usedAt) return alreadyUsed(usedAt, fiche);
    const label = PARTNER_LABELS[partner];
    const given = review?.version === subject.version ? review.partnerOpinions[partner] : undefined;
    if (given) {
      return {
        status: 409,
        page: {
          title: 'Avis déjà enregistré',
          message: recordedSentence(fiche, given),
          whatToDo:
            `Vous n’avez rien à faire : le COPIL lira cet avis. Pour le changer, adressez-vous au coopérateur ` +
            `qui suit la fiche.`,
        },
      };
    }
    if (review?.version !== subject.version || review.stage !== 'attente_copil') {
      return {
        status: 410,
        page: {
          title: 'Avis plus attendu',
          message:
            `L’avis de la ${label} sur la version ${subject.version} de la fiche ${fiche.code} ` +
            'n’est plus attendu.',
          details: [`${describeState(state.lifecycle)}.`],
          whatToDo: 'Vous n’avez rien à faire. Si la fiche revient devant le COPIL, un nouveau lien vous sera envoyé.',
        },
      };
    }
    return { payload, fiche, conventionId: row.conventionId, workflowId };
  }
};

function alreadyUsed(usedAt: Date, fiche: OpinionFiche): Refusal {
  const given = fiche.review.version === fiche.version ? fiche.review.partnerOpinions[fiche.partner] : undefined;
  return {
    status: 409,
    page: {
      title: 'Lien déjà utilisé',
      message: 'Ce lien a déjà servi : il ne sert qu’une fois.',
      details: [
        `Il a été utilisé le ${formatFrench(usedAt, 'Europe/Paris', { withTime: true })}.`,
        ...(given ? [recordedSentence(fiche, given)] : []),
      ],
      whatToDo: given ? 'Vous n’avez rien à faire : le COPIL lira cet avis.' : ASK_AGAIN,
    },
  };
}

function refuse(reply: FastifyReply, refusal: Refusal) {
  return sendPage(reply, refusal.status, refusedPage(refusal.page), OPINION_PAGE_CSP);
}

function sendOpinionPage(reply: FastifyReply, status: number, html: string) {
  return sendPage(reply, status, html, OPINION_PAGE_CSP);
}

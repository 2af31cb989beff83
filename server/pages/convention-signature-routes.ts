import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  proposeOtherAmendment,
  proposeProlongation,
  recordConventionSignatureStep,
} from '../../client/convention-signature.js';
import { AMENDMENT_KINDS, type AmendmentKind } from '../../domain/convention-signature.js';
import type { Store } from '../../store/index.js';
import { HttpError, toHttpError } from '../errors.js';
import { route, routeConvention } from '../route.js';
import { AMENDMENT_FIELDS, amendmentFormPage, type AmendmentFormState } from './amendment-proposal.js';
import { DONE_PARAM } from './done-notice.js';
import { sendAppPage, type PageViewer } from './layout.js';

/** The dashboard's sentences after the signature section's forms. */
export const SIGNATURE_NOTICES = {
  signature: 'L’étape de signature est enregistrée.',
  avenant:
    'L’avenant est proposé : il attend la validation par les instances des trois signataires, puis leur signature.',
} as const;

type Params = { Params: { slug: string; version: string } };
type BySlug = { Params: { slug: string } };

/** A form's fields, strings only. */
const formValues = (body: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(typeof body === 'object' && body !== null ? body : {}).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;

/**
 * What a refused avenant's form shows: each field's message beside it, or what refused it as a
 * whole (another avenant waiting: 409); null for what is not the form's to show (who may not: 403).
 */
function formRefusal(kind: AmendmentKind, values: Record<string, string>, error: unknown) {
  const mapped = toHttpError(error);
  if (mapped.status !== 400 && mapped.status !== 409) return null;
  const names = AMENDMENT_FIELDS[kind].map((f) => f.name);
  const issues = mapped.issues?.length ? mapped.issues : [{ field: mapped.field ?? '', message: mapped.message }];
  const errors: Record<string, string> = {};
  for (const issue of issues) if (names.includes(issue.field)) errors[issue.field] ??= issue.message;
  const state: AmendmentFormState = { values, errors };
  return {
    status: mapped.status,
    state: Object.keys(errors).length === 0 ? { ...state, failure: mapped.message } : state,
  };
}

/**
 * The forms of the dashboard's « Signature de la convention » section: one step of the path of the
 * convention (version 0) or of an avenant, and a new avenant, by the same use cases and rules as the API.
 */
export function registerConventionSignaturePages(
  scope: FastifyInstance,
  deps: {
    client: Client;
    store: Store;
    viewerOf: (request: FastifyRequest) => PageViewer | null;
    now: () => Date;
  },
): void {
  route<Params>(
    scope,
    {
      method: 'POST',
      url: '/conventions/:slug/signature/:version',
      summary: 'Record a step of the signature path (validation, signature, official signing) from the dashboard',
      tag: 'pages',
      access: 'domain',
      convention: async (request) => (await deps.store.conventions.resolve(request.params.slug)).id,
      success: { status: 303, description: 'Redirect to the dashboard', contentType: 'text/html' },
      errors: [403, 404, 409],
    },
    async (request, reply) => {
      const { id, actor } = routeConvention(request);
      const version = /^\d{1,4}$/.test(request.params.version) ? Number(request.params.version) : -1;
      const recorded =
        version < 0 ? null : await recordConventionSignatureStep(deps, id, actor, version, request.body, deps.now());
      if (!recorded)
        throw new HttpError(404, 'NOT_FOUND', `La convention n’a pas d’avenant n° ${request.params.version}.`);
      const location = `/?convention=${encodeURIComponent(request.params.slug)}&${DONE_PARAM}=signature#signature`;
      return reply.code(303).header('location', location).send();
    },
  );

  route<BySlug>(
    scope,
    {
      method: 'POST',
      url: '/conventions/:slug/avenants',
      summary:
        'Propose an avenant from the dashboard (nature=prolongation: newEndDate, motif; nature=autre: title, ' +
        'motif), as POST /api/conventions/:slug/amendments[/other]; a refusal shows the form again',
      tag: 'pages',
      access: 'domain',
      convention: async (request) => (await deps.store.conventions.resolve(request.params.slug)).id,
      success: { status: 303, description: 'Redirect to the dashboard, or the form again', contentType: 'text/html' },
      errors: [400, 403, 404, 409],
    },
    async (request, reply) => {
      const { id, actor } = routeConvention(request);
      const values = formValues(request.body);
      const kind = AMENDMENT_KINDS.find((k) => k === values.nature);
      if (!kind)
        throw new HttpError(
          400,
          'INVALID_INPUT',
          'Choisissez la nature de l’avenant : prolongation ou autre.',
          'nature',
        );
      try {
        if (kind === 'prolongation') await proposeProlongation(deps, id, actor, values);
        else await proposeOtherAmendment(deps.store, id, actor, values, deps.now());
      } catch (error) {
        if (error instanceof WorkflowNotFoundError)
          throw new HttpError(
            404,
            'NOT_FOUND',
            'Le cycle de cette convention n’est pas lancé : enregistrez les règles de son calendrier, qui le ' +
              'lancent, puis proposez la prolongation.',
          );
        const refused = formRefusal(kind, values, error);
        if (!refused) throw error;
        const page = amendmentFormPage(
          { slug: request.params.slug, kind, state: refused.state },
          deps.viewerOf(request),
        );
        return sendAppPage(reply, refused.status, page);
      }
      const location = `/?convention=${encodeURIComponent(request.params.slug)}&${DONE_PARAM}=avenant#signature`;
      return reply.code(303).header('location', location).send();
    },
  );
}

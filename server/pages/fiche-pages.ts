import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCharter } from '../../domain/charter.js';
import { DomainError, type FieldIssue } from '../../domain/errors.js';
import { assertMayEditContent, changesSince, editableVersion, FICHE_FIELD_LABELS } from '../../domain/fiche-content.js';
import type { FicheState } from '../../domain/fiche-views.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { stepsOpenTo } from '../../domain/lifecycle/reader-steps.js';
import { ACTION_KINDS, type ActionKind } from '../../domain/lifecycle/vocabulary.js';
import { editFicheContent } from '../../client/edit-fiche-content.js';
import { takeStep } from '../../client/fiche-steps.js';
import { loadWorkflowTimeline } from '../../client/workflow-timeline.js';
import type { Store } from '../../store/index.js';
import { ficheStateQuery, ficheWorkflowId } from '../../workflows/definitions.js';
import { toHttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route } from '../route.js';
import { contentFormValues, editFromForm, type ContentFormState, type FormValues } from './fiche-content-form.js';
import { fichePage } from './fiche-page.js';
import { partnerOf, STEP_FORMS, stepInputFromForm, type StepFailure } from './fiche-step-forms.js';
import { doneNotice, redirectDone } from './done-notice.js';
import { sendAppPage, type PageViewer } from './layout.js';
import { ID, notFound } from './page-lookup.js';
import { peoplesSteps } from './timeline-list.js';

/** What a fiche's page shows again after a refused form. */
interface Refusal {
  status: number;
  content?: ContentFormState;
  step?: StepFailure;
}

/** The confirmations a fiche's page shows after an action (`?fait=`): its creation, its content, each step. */
const FICHE_NOTICES: Readonly<Record<string, string>> = {
  creee: 'Le brouillon de la fiche est créé : écrivez son contenu ci-dessous, puis soumettez-la.',
  contenu: 'Le contenu de la fiche est enregistré.',
  ...Object.fromEntries(ACTION_KINDS.map((kind) => [kind, STEP_FORMS[kind].done])),
};

/** A form's fields as texts, without its CSRF token. */
export function formValues(body: unknown): FormValues {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== '_csrf',
    ),
  );
}

/** A refusal's messages by field, through `fieldOf`; null when one is about no field of the form. */
export function errorsByField(
  refusal: { message: string; field?: string | undefined; issues?: readonly FieldIssue[] | undefined },
  fieldOf: (issue: FieldIssue) => string | null,
): Record<string, string> | null {
  const issues = refusal.issues?.length
    ? refusal.issues
    : refusal.field
      ? [{ field: refusal.field, message: refusal.message }]
      : [];
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = fieldOf(issue);
    if (field === null) return null;
    errors[field] ??= issue.message;
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/** Whether `actor` may write the fiche's draft now, by the rule the workflow's update applies. */
function mayEditContent(actor: Actor, authorEmail: string, state: FicheState): boolean {
  try {
    assertMayEditContent(actor, { authorEmail, piloteEmail: state.piloteEmail ?? null, lifecycle: state.lifecycle });
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}

/**
 * A fiche's page and its forms: the content of its draft and every lifecycle step, each posted to
 * the use case the API runs (client/edit-fiche-content.ts, client/fiche-steps.ts), then a
 * redirection to the page with what was done; a refusal shows the page again with the input kept
 * and each error beside its field. A form sent twice is refused by the workflow (one step at a
 * time, then the stage), in French.
 */
export function registerFichePages(
  app: FastifyInstance,
  deps: { client: Client; store: Store; viewerOf(request: FastifyRequest): PageViewer | null },
): void {
  const handleOf = (fiche: { id: string; workflowId: string | null }) =>
    deps.client.workflow.getHandle(fiche.workflowId ?? ficheWorkflowId(fiche.id));

  async function sendFiche(
    request: FastifyRequest,
    reply: FastifyReply,
    ficheId: string,
    outcome: { done: string | null } | Refusal,
  ) {
    const fiche = ID.test(ficheId) ? await deps.store.fiches.findForPage(ficheId) : null;
    if (!fiche) throw notFound('Fiche');
    const actor = await actorOf(request, deps.store, fiche.conventionId);
    const [versions, timeline, state, settings] = await Promise.all([
      deps.store.fiches.listVersions(fiche.id),
      fiche.workflowId
        ? loadWorkflowTimeline(deps, fiche.workflowId).then(
            (t) => peoplesSteps(t.entries),
            () => null,
          )
        : Promise.resolve(null),
      handleOf(fiche)
        .query(ficheStateQuery)
        .catch(() => null),
      deps.store.conventions.findSettings(fiche.conventionId),
    ]);
    const refusal = 'status' in outcome ? outcome : null;
    let contentForm = null;
    if (state && mayEditContent(actor, fiche.authorEmail, state)) {
      const choices = await deps.store.fiches.findContentChoices(fiche.conventionId);
      const draft = versions.find((v) => v.version === editableVersion(state.lifecycle)) ?? versions.at(-1);
      contentForm = {
        choices,
        state: refusal?.content ?? {
          values: draft ? contentFormValues(draft.content, choices) : {},
          errors: {},
        },
      };
    }
    // A version sent back to its draft: what changed since its body read it.
    const review = state?.lifecycle.review;
    const seen = review ? fiche.decisions.filter((d) => d.version === review.version).at(-1) : undefined;
    const sinceSeen =
      state && review && seen
        ? {
            by: seen.instance?.name ?? 'l’instance',
            at: seen.decidedAt,
            changes: changesSince(state.edits ?? [], review.version, seen.decidedAt.toISOString()),
          }
        : null;
    const page = fichePage(
      {
        fiche,
        versions,
        timeline,
        steps: state
          ? {
              ...stepsOpenTo(state.lifecycle, actor, parseCharter(settings.charter)),
              agenda: state.agenda,
              indicators: versions.find((v) => v.version === state.lifecycle.versionInForce)?.content.indicateurs ?? [],
            }
          : null,
        evaluations: state?.lifecycle.evaluations ?? null,
        stepFailure: refusal?.step ?? null,
        contentForm,
        sinceSeen,
        done: 'done' in outcome ? outcome.done : null,
        // The content's refusal when its form is no longer offered (the draft went under review meanwhile).
        refused: refusal?.content && !contentForm ? (refusal.content.failure ?? null) : null,
      },
      deps.viewerOf(request),
    );
    return sendAppPage(reply, refusal?.status ?? 200, page);
  }

  route<{ Params: { id: string }; Querystring: { fait?: string } }>(
    app,
    {
      method: 'GET',
      url: '/fiches/:id',
      summary: 'A fiche: the steps its reader may take, its content (a form for who may write it), versions, decisions',
      tag: 'pages',
      access: 'convention',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404],
    },
    async (request, reply) => {
      return sendFiche(request, reply, request.params.id, { done: doneNotice(request.query.fait, FICHE_NOTICES) });
    },
  );

  const FORM_FIELDS = new Set<string>(Object.keys(FICHE_FIELD_LABELS));

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'POST',
      url: '/fiches/:id/contenu',
      summary: 'Write the fiche’s draft from its page’s form (the fields of PATCH /api/fiches/:id/content, `_csrf`)',
      tag: 'pages',
      access: 'domain',
      success: { status: 303, description: 'Redirect to the fiche’s page', contentType: 'text/html' },
      errors: [400, 404, 409],
    },
    async (request, reply) => {
      const fiche = ID.test(request.params.id) ? await deps.store.fiches.findRef(request.params.id) : null;
      if (!fiche) throw notFound('Fiche');
      const actor = await actorOf(request, deps.store, fiche.conventionId);
      const values = formValues(request.body);
      const { edit, fieldOf } = editFromForm(values);
      try {
        await editFicheContent(deps, fiche, actor, edit);
      } catch (error) {
        const refused = toHttpError(error);
        if (refused.status >= 500) throw error;
        const errors = errorsByField(refused, (issue) => {
          const field = fieldOf(issue);
          return FORM_FIELDS.has(field) || field in values ? field : null;
        });
        return sendFiche(request, reply, fiche.id, {
          status: refused.status,
          content: { values, errors: errors ?? {}, ...(errors ? {} : { failure: refused.message }) },
        });
      }
      return redirectDone(reply, `/fiches/${fiche.id}`, 'contenu', 'contenu');
    },
  );

  route<{ Params: { id: string; kind: string } }>(
    app,
    {
      method: 'POST',
      url: '/fiches/:id/etapes/:kind',
      summary: 'Take a lifecycle step from the fiche’s page (outcome, comment, reason… as the API’s, `_csrf`)',
      tag: 'pages',
      access: 'domain',
      success: { status: 303, description: 'Redirect to the fiche’s page', contentType: 'text/html' },
      errors: [400, 404, 409, 422],
    },
    async (request, reply) => {
      const { id, kind } = request.params;
      if (!(ACTION_KINDS as readonly string[]).includes(kind)) throw notFound('Étape');
      const fiche = ID.test(id) ? await deps.store.fiches.findRef(id) : null;
      if (!fiche) throw notFound('Fiche');
      const actor = await actorOf(request, deps.store, fiche.conventionId);
      const values = formValues(request.body);
      const step = kind as ActionKind;
      const { input, fieldOf } = stepInputFromForm(step, values);
      try {
        await takeStep(handleOf(fiche), step, { ...input, actor } as never);
      } catch (error) {
        const refused = toHttpError(error);
        if (refused.status >= 500) throw error;
        const partner = partnerOf(values.partner);
        return sendFiche(request, reply, fiche.id, {
          status: refused.status,
          step: {
            step: { kind: step, ...(partner ? { partner } : {}) },
            values,
            message: refused.message,
            errors: errorsByField(refused, fieldOf) ?? {},
          },
        });
      }
      return redirectDone(reply, `/fiches/${fiche.id}`, step, 'etapes');
    },
  );
}

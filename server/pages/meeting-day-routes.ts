import multipart, { type MultipartFile } from '@fastify/multipart';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { takeStep } from '../../client/fiche-steps.js';
import { parseCharter, type InstanceKind } from '../../domain/charter.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { stepsOpenTo } from '../../domain/lifecycle/reader-steps.js';
import { DECIDING_INSTANCE, isDecision } from '../../domain/lifecycle/roles.js';
import { ACTION_KINDS, type ActionKind } from '../../domain/lifecycle/vocabulary.js';
import { itemDecisionSchema } from '../../domain/meeting-input.js';
import { publicationDue } from '../../domain/open-decisions.js';
import { localDateKey } from '../../domain/paris-time.js';
import { parseInput } from '../../domain/validation.js';
import type { Store } from '../../store/index.js';
import type { MeetingPageRow } from '../../store/meetings/find-meeting-page.js';
import { ficheStateQuery } from '../../workflows/definitions.js';
import { fileMinutesUpdate } from '../../workflows/meeting-definitions.js';
import { auditAs } from '../audit.js';
import { HttpError, toHttpError } from '../errors.js';
import { actorOf } from '../plugins/auth.js';
import { route } from '../route.js';
import { QUORUM_SCRIPT, QUORUM_SCRIPT_PATH, storedRows } from './attendance-page.js';
import { errorsByField, formValues } from './fiche-pages.js';
import { partnerOf, STEP_FORMS, stepInputFromForm } from './fiche-step-forms.js';
import { sendAppPage, type PageViewer } from './layout.js';
import { meetingDayPage, type FicheItemSteps, type MeetingDay } from './meeting-day-page.js';
import { manageableMeeting, meetingPageActions, toMeetingPage } from './meeting-form-routes.js';
import { ID } from './page-lookup.js';
import { registerPageScript } from './page-script.js';
import { publicDecisionsPath } from './public-decisions-pages.js';

/** Dependencies of {@link registerMeetingDayPages}. */
export interface MeetingDayPagesDependencies {
  client: Client;
  store: Store;
  viewerOf: (request: FastifyRequest) => PageViewer | null;
  now: () => Date;
}

/** The compte rendu's cap: a scanned, signed PDF fits; a video does not. */
export const MINUTES_MAX_BYTES = 10 * 1024 * 1024;
const PDF_MAGIC = Buffer.from('%PDF-');
const FORM_PAGE = { status: 200, description: 'HTML page', contentType: 'text/html' } as const;
const POSTED = { status: 303, description: 'Redirect to the séance’s page', contentType: 'text/html' } as const;

/** An uploaded file as the multipart parser leaves it in the body (see `onFile`). */
interface UploadedFile {
  content: Buffer;
  /** The file went past {@link MINUTES_MAX_BYTES}: the rest was not read. */
  truncated: boolean;
}

/** Reads an uploaded part up to the cap, and leaves it as the body's field value. */
async function onFile(part: MultipartFile): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  (part as MultipartFile & { value: UploadedFile }).value = {
    content: Buffer.concat(chunks),
    truncated: part.file.truncated,
  };
}

/** Why an upload is not a compte rendu we keep, in French; null when it is one. */
function minutesRefusal(file: unknown): string | null {
  const upload = typeof file === 'object' && file !== null && 'content' in file ? (file as UploadedFile) : null;
  if (!upload || upload.content.length === 0) return 'Choisissez le fichier PDF du compte rendu.';
  if (upload.truncated)
    return (
      'Le fichier dépasse 10 Mo : enregistrez le compte rendu en PDF plus léger (images compressées), ' +
      'puis déposez-le.'
    );
  if (!upload.content.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC))
    return 'Ce fichier n’est pas un PDF : exportez le compte rendu au format PDF, puis déposez-le.';
  return null;
}

/**
 * The secretary's pages on the day of a meeting: the séance (attendance, each item's avis or
 * decision in place, the relevé, the compte rendu), the forms they post, and the compte rendu's
 * download for the convention's members. A fiche's avis or decision goes to its workflow's update,
 * as from the fiche's page; a free item's decision is kept with the item for the relevé.
 */
export function registerMeetingDayPages(scope: FastifyInstance, deps: MeetingDayPagesDependencies): void {
  const { store, viewerOf, now } = deps;

  /** The steps for this body each fiche on the agenda offers `actor`, by fiche id. */
  async function ficheSteps(meeting: MeetingPageRow, actor: Actor): Promise<Map<string, FicheItemSteps>> {
    const charter = parseCharter((await store.conventions.findSettings(meeting.conventionId)).charter);
    const forBody = (kind: ActionKind) => isDecision(kind) && DECIDING_INSTANCE[kind] === meeting.instance.kind;
    const entries = await Promise.all(
      meeting.agenda.flatMap(({ fiche }) =>
        fiche?.workflowId
          ? [
              deps.client.workflow
                .getHandle(fiche.workflowId)
                .query(ficheStateQuery)
                .then(
                  (state): [string, FicheItemSteps] | null => {
                    const open = stepsOpenTo(state.lifecycle, actor, charter);
                    return [fiche.id, { ...open, steps: open.steps.filter((step) => forBody(step.kind)) }];
                  },
                  () => null,
                ),
            ]
          : [],
      ),
    );
    return new Map(entries.filter((entry) => entry !== null));
  }

  /** Where the meeting's relevé stands on its convention's public page. */
  async function publicationOf(meeting: MeetingPageRow): Promise<MeetingDay['publication']> {
    const [publishedAt, heading] = await Promise.all([
      store.openData.findPublication(meeting.id),
      store.conventions.findHeading(meeting.conventionId),
    ]);
    return { publishedAt, due: publicationDue(meeting.startsAt), publicUrl: publicDecisionsPath(heading.slug) };
  }

  async function sendDay(
    request: FastifyRequest,
    reply: FastifyReply,
    found: { meeting: MeetingPageRow; actor: Actor },
    extra: Pick<MeetingDay, 'failure' | 'minutesError'> & { status?: number; done?: string | undefined } = {},
  ) {
    const { meeting, actor } = found;
    const actions = meetingPageActions(meeting, actor, extra.done, now());
    const done = extra.done ?? '';
    const notice =
      actions.notice ??
      ((ACTION_KINDS as readonly string[]).includes(done) ? STEP_FORMS[done as ActionKind].done : null);
    const day: MeetingDay = {
      meeting,
      rows: storedRows(meeting),
      ficheSteps: await ficheSteps(meeting, actor),
      maySendSummary: actions.maySendSummary,
      publication: await publicationOf(meeting),
      mayFileMinutes: actions.mayFileMinutes,
      notice,
      failure: extra.failure ?? null,
      minutesError: extra.minutesError ?? null,
    };
    return sendAppPage(reply, extra.status ?? 200, meetingDayPage(day, viewerOf(request)));
  }

  const inSession = (request: FastifyRequest, id: string) => manageableMeeting(deps, request, id, 'recordItemDecision');
  const toDay = (reply: FastifyReply, meetingId: string, done: string, anchor = '') =>
    reply.code(303).header('location', `/reunions/${meetingId}/seance?fait=${done}${anchor}`).send();

  registerPageScript(scope, {
    url: QUORUM_SCRIPT_PATH,
    summary: 'The script that recounts the quorum as attendance is ticked',
    body: QUORUM_SCRIPT,
  });

  route<{ Params: { id: string }; Querystring: { fait?: string } }>(
    scope,
    {
      method: 'GET',
      url: '/reunions/:id/seance',
      summary: 'The séance: attendance, each item’s avis or decision, the relevé, the compte rendu',
      tag: 'pages',
      access: 'domain',
      success: FORM_PAGE,
      errors: [403, 404, 409],
    },
    async (request, reply) =>
      sendDay(request, reply, await inSession(request, request.params.id), { done: request.query.fait }),
  );

  route<{ Params: { id: string; itemId: string }; Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/seance/points/:itemId',
      summary: 'Record the decision taken on a free item of the ordre du jour (field decision)',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const found = await inSession(request, request.params.id);
      const item = found.meeting.agenda.find((i) => i.id === request.params.itemId && !i.fiche);
      if (!item) throw new HttpError(404, 'NOT_FOUND', 'Ce point libre n’est pas à l’ordre du jour de cette réunion.');
      const value = formValues(request.body).decision ?? '';
      let text: string;
      try {
        ({ text } = parseInput(itemDecisionSchema(), { text: value }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const message = error.issues?.[0]?.message ?? error.message;
        return sendDay(request, reply, found, { status: 422, failure: { itemId: item.id, text: { value, message } } });
      }
      await store.meetings.recordFreeItemDecision({ meetingId: found.meeting.id, itemId: item.id, text, at: now() });
      await auditAs(store, request)('meeting.recordItemDecision', `meeting:${found.meeting.id}`, { item: item.title });
      return toDay(reply, found.meeting.id, 'decision', `#point-${item.id}`);
    },
  );

  route<{ Params: { id: string; ficheId: string; kind: string } }>(
    scope,
    {
      method: 'POST',
      url: '/reunions/:id/seance/fiches/:ficheId/:kind',
      summary: 'Record a fiche’s avis or decision in séance, as its lifecycle step (outcome, comment)',
      tag: 'pages',
      access: 'domain',
      success: POSTED,
      errors: [403, 404, 409, 422],
    },
    async (request, reply) => {
      const found = await inSession(request, request.params.id);
      const { ficheId, kind } = request.params;
      const item = found.meeting.agenda.find((i) => i.fiche?.id === ficheId);
      const step = kind as ActionKind;
      const forBody =
        (ACTION_KINDS as readonly string[]).includes(kind) &&
        isDecision(step) &&
        DECIDING_INSTANCE[step] === (found.meeting.instance.kind as InstanceKind);
      if (!item?.fiche?.workflowId || !forBody)
        throw new HttpError(404, 'NOT_FOUND', 'Cette fiche n’attend pas cette décision à cette réunion.');
      const values = formValues(request.body);
      const { input, fieldOf } = stepInputFromForm(step, values);
      try {
        await takeStep(deps.client.workflow.getHandle(item.fiche.workflowId), step, {
          ...input,
          actor: found.actor,
        } as never);
      } catch (error) {
        const refused = toHttpError(error);
        if (refused.status >= 500) throw error;
        const partner = partnerOf(values.partner);
        const failure = {
          step: { kind: step, ...(partner ? { partner } : {}) },
          values,
          message: refused.message,
          errors: errorsByField(refused, fieldOf) ?? {},
        };
        return sendDay(request, reply, found, { status: refused.status, failure: { itemId: item.id, step: failure } });
      }
      return toDay(reply, found.meeting.id, step, `#point-${item.id}`);
    },
  );

  // The upload alone parses multipart bodies, capped; its fields and file are left in the body.
  void scope.register(async (upload) => {
    await upload.register(multipart, {
      attachFieldsToBody: 'keyValues',
      onFile,
      throwFileSizeLimit: false,
      limits: { fileSize: MINUTES_MAX_BYTES, files: 1, fields: 4 },
    });

    route<{ Params: { id: string }; Body: Record<string, unknown> }>(
      upload,
      {
        method: 'POST',
        url: '/reunions/:id/compte-rendu',
        summary: 'Upload the compte rendu (multipart, field fichier: a PDF of 10 Mo at most), sent to the members',
        tag: 'pages',
        access: 'domain',
        success: POSTED,
        errors: [403, 404, 409, 422],
      },
      async (request, reply) => {
        const found = await manageableMeeting(deps, request, request.params.id, 'fileMinutes');
        const { meeting, workflowId, actor } = found;
        const refusal = minutesRefusal(request.body?.fichier);
        if (refusal) return sendDay(request, reply, found, { status: 422, minutesError: refusal });
        const filename = `compte-rendu-${localDateKey(meeting.startsAt)}.pdf`;
        await store.meetings.saveMinutesFile({
          meetingId: meeting.id,
          filename,
          content: (request.body.fichier as UploadedFile).content,
          uploadedBy: actor.email,
          uploadedAt: now(),
        });
        await deps.client.workflow
          .getHandle(workflowId)
          .executeUpdate(fileMinutesUpdate, { args: [{ actor, ref: filename }] });
        return toMeetingPage(reply, meeting.id, 'compte-rendu', '/seance');
      },
    );
  });

  route<{ Params: { id: string } }>(
    scope,
    {
      method: 'GET',
      url: '/reunions/:id/compte-rendu.pdf',
      summary: 'The compte rendu of a meeting, as uploaded (PDF)',
      tag: 'pages',
      access: 'convention',
      success: { status: 200, description: 'PDF', contentType: 'application/pdf' },
      errors: [404],
    },
    async (request, reply) => {
      const meeting = ID.test(request.params.id) ? await store.meetings.findForPage(request.params.id) : null;
      if (!meeting) throw new HttpError(404, 'NOT_FOUND', 'Réunion introuvable : l’adresse est peut-être incomplète.');
      await actorOf(request, store, meeting.conventionId);
      const file = await store.meetings.findMinutesFile(meeting.id);
      if (!file) throw new HttpError(404, 'NOT_FOUND', 'Aucun compte rendu n’a encore été déposé pour cette réunion.');
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(file.content);
    },
  );
}

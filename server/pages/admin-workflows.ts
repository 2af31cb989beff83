import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listWorkflows, workflowTimelineOr404, type WorkflowRouteDependencies } from '../routes/workflows.js';
import { escapeHtml, renderAppPage, sendAppPage, type PageViewer } from './layout.js';
import { frenchInstant } from './format.js';
import { timelineList } from './timeline-list.js';
import { route } from '../route.js';

/** Temporal's execution statuses, in French. */
const STATUS_LABELS: Readonly<Record<string, string>> = {
  RUNNING: 'en cours',
  COMPLETED: 'terminé',
  FAILED: 'en échec',
  CANCELLED: 'annulé',
  TERMINATED: 'arrêté',
  CONTINUED_AS_NEW: 'poursuivi dans une nouvelle exécution',
  TIMED_OUT: 'hors délai',
};
const statusLabel = (status: string) => STATUS_LABELS[status] ?? status.toLowerCase();

const processPath = (workflowId: string) => `/admin/processus/${encodeURIComponent(workflowId)}`;

function temporalLink(url: string | null, workflowId: string): string {
  return url ? `<a href="${escapeHtml(url)}" rel="noopener">Ouvrir ${escapeHtml(workflowId)} dans Temporal</a>` : '';
}

/** The admins' pages of the processes: the list of workflows, and each one's French timeline. */
export function registerAdminWorkflowPages(
  app: FastifyInstance,
  deps: WorkflowRouteDependencies & { viewerOf(request: FastifyRequest): PageViewer | null },
): void {
  route(
    app,
    {
      method: 'GET',
      url: '/admin/processus',
      summary: 'The workflows, with links to their timelines and to the Temporal Web UI',
      tag: 'pages',
      access: 'admin',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const workflows = await listWorkflows(deps);
      const rows = workflows.map(
        (w) =>
          `<tr><td><a href="${processPath(w.workflowId)}">${escapeHtml(w.workflowId)}</a></td>` +
          `<td>${escapeHtml(w.label)}</td><td>${escapeHtml(statusLabel(w.status))}</td>` +
          `<td>${escapeHtml(frenchInstant(w.startedAt))}</td><td>${temporalLink(w.temporalUiUrl, w.workflowId)}</td>` +
          `</tr>`,
      );
      return sendAppPage(
        reply,
        200,
        renderAppPage({
          title: 'Processus',
          current: '/admin/processus',
          viewer: deps.viewerOf(request),
          body: [
            '<h1>Processus</h1>',
            '<p>Chaque fiche, réunion, sondage et calendrier annuel est un processus durable. Ouvrez-en un pour lire ' +
              'son histoire : qui a fait quoi, quand, les rappels et les courriels envoyés.</p>',
            workflows.length === 0
              ? '<p>Aucun processus pour l’instant.</p>'
              : `<table><caption>Les ${workflows.length} processus les plus récents</caption><thead><tr>` +
                `<th scope="col">Identifiant</th><th scope="col">Type</th><th scope="col">État</th><th scope="col">` +
                `Début</th><th scope="col">Temporal</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
          ],
        }),
      );
    },
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'GET',
      url: '/admin/processus/:id',
      summary: 'A workflow’s French timeline',
      tag: 'pages',
      access: 'admin',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
      errors: [404],
    },
    async (request, reply) => {
      const timeline = await workflowTimelineOr404(deps, request.params.id);
      return sendAppPage(
        reply,
        200,
        renderAppPage({
          title: `${timeline.label} ${timeline.workflowId}`,
          current: '/admin/processus',
          viewer: deps.viewerOf(request),
          body: [
            `<h1>${escapeHtml(timeline.label)} <span class="muted">${escapeHtml(timeline.workflowId)}</span></h1>`,
            '<dl>',
            `<dt>État</dt><dd>${escapeHtml(statusLabel(timeline.status))}</dd>`,
            `<dt>Début</dt><dd>${escapeHtml(frenchInstant(timeline.startedAt))}</dd>`,
            timeline.closedAt ? `<dt>Fin</dt><dd>${escapeHtml(frenchInstant(timeline.closedAt))}</dd>` : '',
            `<dt>Exécution</dt><dd>${escapeHtml(timeline.runId)}</dd>`,
            '</dl>',
            timeline.temporalUiUrl ? `<p>${temporalLink(timeline.temporalUiUrl, timeline.workflowId)}</p>` : '',
            '<h2>Histoire</h2>',
            timelineList(timeline.entries),
            '<p><a href="/admin/processus">Tous les processus</a></p>',
          ],
        }),
      );
    },
  );
}

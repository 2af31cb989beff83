import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { awaitingBoard, type ConventionAwaiting } from '../../client/awaiting-board.js';
import { departementOverview, type DepartementConvention } from '../../client/departement-overview.js';
import { assertMayViewDepartement, mayViewDepartement } from '../../domain/access.js';
import { STAGE_LABELS } from '../../domain/lifecycle/labels.js';
import { STAGES } from '../../domain/lifecycle/vocabulary.js';
import type { Store } from '../../store/index.js';
import { route, routeViewer } from '../route.js';
import { STEP_FORMS } from './fiche-step-forms.js';
import { capitalized, frenchInstant } from './format.js';
import { escapeHtml, renderAppPage, sendAppPage, type PageViewer } from './layout.js';

/**
 * The boards across conventions: « Tout ce qui m'attend » (what waits for the reader in every
 * convention they sit in, by the same rules as each fiche's and meeting's page) and the
 * département's view for the CAF and the MSA (fiches by stage, late steps, per convention).
 */

const PAGE = { status: 200, description: 'HTML page', contentType: 'text/html' } as const;
const ficheLink = (f: { id: string; code: string; title: string }) =>
  `<a href="/fiches/${encodeURIComponent(f.id)}">${escapeHtml(f.code)} — ${escapeHtml(f.title)}</a>`;
const meetingLink = (m: { id: string; title: string }, page = '') =>
  `<a href="/reunions/${encodeURIComponent(m.id)}${page}">${escapeHtml(m.title)}</a>`;

function conventionSection(entry: ConventionAwaiting): string {
  const { convention } = entry;
  const items = [
    ...entry.fiches.map(
      ({ fiche, steps }) =>
        `<li>${ficheLink(fiche)} : ` +
        `${escapeHtml(steps.map((s) => STEP_FORMS[s.kind].title(s.partner)).join(', '))}</li>`,
    ),
    ...entry.invitations.map(
      (m) =>
        `<li>Répondre à l’invitation : ${meetingLink(m)} (${escapeHtml(m.instance.name)}), ` +
        `le ${escapeHtml(frenchInstant(m.startsAt))}</li>`,
    ),
    ...entry.releves.map(
      (m) =>
        `<li>Publier le relevé de décisions de ${meetingLink(m, '/seance')} avant le ` +
        `${escapeHtml(frenchInstant(m.due))}</li>`,
    ),
  ];
  const id = `convention-${convention.slug}`;
  return (
    `<section aria-labelledby="${escapeHtml(id)}"><h2 id="${escapeHtml(id)}">${escapeHtml(convention.name)} ` +
    `<span class="muted">(${items.length})</span></h2>` +
    (items.length ? `<ul>${items.join('')}</ul>` : '<p>Rien ne vous attend dans cette convention.</p>') +
    `<p><a href="/?convention=${encodeURIComponent(convention.slug)}">Tableau de bord de la convention</a></p>` +
    '</section>'
  );
}

function awaitingPage(board: ConventionAwaiting[], viewer: PageViewer | null, mayViewDepartement: boolean): string {
  return renderAppPage({
    title: 'Tout ce qui m’attend',
    current: '/attentes',
    viewer,
    body: [
      '<h1>Tout ce qui m’attend</h1>',
      '<p>Les étapes des fiches que vous pouvez franchir, les invitations sans réponse et les relevés à publier, ' +
        'dans chaque convention où vous siégez.</p>',
      mayViewDepartement ? '<p><a href="/departement">Vue départementale de toutes les conventions</a></p>' : '',
      board.length
        ? board.map(conventionSection).join('')
        : '<p>Vous ne siégez dans aucune instance : rien ne vous attend.</p>',
    ],
  });
}

function stagesTable(conventions: readonly DepartementConvention[]): string {
  const head = STAGES.map((s) => `<th scope="col">${escapeHtml(capitalized(STAGE_LABELS[s]))}</th>`).join('');
  const rows = conventions.map(
    (c) =>
      `<tr><th scope="row">${escapeHtml(c.name)}</th>` +
      STAGES.map((s) => `<td>${c.stages[s] ?? 0}</td>`).join('') +
      `<td>${c.lateFiches.length + c.lateReleves.length}</td></tr>`,
  );
  return (
    '<div class="scroll" tabindex="0" role="region" aria-label="Fiches par étape et par convention">' +
    '<table><caption>Fiches par étape et par convention</caption>' +
    `<thead><tr><th scope="col">Convention</th>${head}<th scope="col">Étapes en retard</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

function lateSection(c: DepartementConvention): string {
  const items = [
    ...c.lateFiches.map(
      (d) =>
        `<li>${ficheLink(d.fiche)} : ${escapeHtml(d.what ?? 'décision attendue')}` +
        `${d.reminder ? ` — échéance du ${escapeHtml(frenchInstant(d.reminder))}` : ''}</li>`,
    ),
    ...c.lateReleves.map(
      (m) =>
        `<li>Relevé de décisions non publié : ${meetingLink(m)} (${escapeHtml(m.instance.name)}) du ` +
        `${escapeHtml(frenchInstant(m.startsAt))}</li>`,
    ),
  ];
  return (
    `<h3>${escapeHtml(c.name)}</h3>` + (items.length ? `<ul>${items.join('')}</ul>` : '<p>Aucune étape en retard.</p>')
  );
}

function departementPage(conventions: DepartementConvention[], viewer: PageViewer | null): string {
  return renderAppPage({
    title: 'Vue départementale',
    current: '/attentes',
    viewer,
    body: [
      '<h1>Vue départementale</h1>',
      '<p>Toutes les conventions territoriales globales du département : leurs fiches par étape, et les étapes ' +
        'dont l’échéance est passée (décision attendue d’une instance, relevé non publié dans la semaine).</p>',
      conventions.length ? stagesTable(conventions) : '<p>Aucune convention.</p>',
      '<h2>Étapes en retard</h2>',
      conventions.map(lateSection).join(''),
    ],
  });
}

/** Registers « Tout ce qui m'attend » and the département's view. */
export function registerBoardPages(
  scope: FastifyInstance,
  deps: { client: Client; store: Store; now: () => Date; viewerOf: (request: FastifyRequest) => PageViewer | null },
): void {
  const { store } = deps;
  const departementReader = async (request: FastifyRequest) => {
    const viewer = routeViewer(request);
    return { admin: viewer.admin, structureKind: await store.boards.findStructureKind(viewer.personId) };
  };

  route(
    scope,
    {
      method: 'GET',
      url: '/attentes',
      summary: 'Everything that waits for the reader, in every convention they sit in',
      tag: 'pages',
      access: 'signed-in',
      success: PAGE,
    },
    async (request, reply) => {
      const viewer = routeViewer(request);
      const board = await awaitingBoard(deps, viewer.personId, deps.now());
      const departement = mayViewDepartement(await departementReader(request));
      return sendAppPage(reply, 200, awaitingPage(board, deps.viewerOf(request), departement));
    },
  );

  route(
    scope,
    {
      method: 'GET',
      url: '/departement',
      summary: 'The département’s view: every convention’s fiches by stage and late steps (CAF, MSA, admins)',
      tag: 'pages',
      access: 'domain',
      success: PAGE,
      errors: [403],
    },
    async (request, reply) => {
      assertMayViewDepartement(await departementReader(request));
      return sendAppPage(
        reply,
        200,
        departementPage(await departementOverview(deps, deps.now()), deps.viewerOf(request)),
      );
    },
  );
}

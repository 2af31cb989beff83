import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { previewRunningConvention } from '../../client/import-running-convention.js';
import { DomainError, type FieldIssue } from '../../domain/errors.js';
import { issuesWithLines, jsonValueLocations, locateField, type TextLocation } from '../../domain/json-locations.js';
import { STAGE_LABELS } from '../../domain/lifecycle/labels.js';
import type { RunningPreview } from '../../domain/running-convention.js';
import type { LineProblem, MembersCsvPreview } from '../../store/conventions/import-members-csv.js';
import type { SetupPreview } from '../../store/conventions/import-convention-setup.js';
import type { Store } from '../../store/index.js';
import { auditAs } from '../audit.js';
import { HttpError } from '../errors.js';
import type { JobRegistry } from '../jobs.js';
import { checkJsonDepth } from '../plugins/json-body.js';
import { route, routeViewer } from '../route.js';
import { IMPORT_LIMIT, setupSubject } from '../routes/conventions.js';
import { importRunning } from '../routes/running-convention.js';
import { FORM_SCRIPT_PATH } from './form-script.js';
import { capitalized } from './format.js';
import { csrfField, escapeHtml, renderAppPage, sendAppPage, type PageViewer } from './layout.js';

/** The import forms' fields as texts. */
interface ImportForm {
  convention?: string;
  membres?: string;
  setup?: string;
  enCours?: string;
}

const OUTCOMES: Readonly<Record<string, string>> = {
  created: 'Création',
  updated: 'Modification',
  unchanged: 'Inchangé',
};

/** A table in its own scrolling box, so the page keeps its width at 360 px. */
const scrolling = (label: string, head: readonly string[], rows: readonly string[]) =>
  `<div class="scroll" role="region" aria-label="${escapeHtml(label)}" tabindex="0"><table>` +
  `<caption>${escapeHtml(label)}</caption><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}` +
  `</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;

const textarea = (name: string, id: string, label: string, value: string, hint: string) =>
  `<div class="field"><label for="${id}">${escapeHtml(label)}</label>` +
  `<p class="muted" id="${id}-aide">${escapeHtml(hint)}</p>` +
  `<textarea id="${id}" name="${name}" rows="12" required spellcheck="false" aria-describedby="${id}-aide">` +
  `${escapeHtml(value)}</textarea></div>`;

type Conventions = ReadonlyArray<{ slug: string; name: string }>;

const conventionSelect = (conventions: Conventions, selected: string | undefined, id: string) =>
  `<div class="field"><label for="${id}">Convention</label><select id="${id}" name="convention" required>` +
  conventions
    .map(
      (c) =>
        `<option value="${escapeHtml(c.slug)}"${c.slug === selected ? ' selected' : ''}>` +
        `${escapeHtml(c.name)}</option>`,
    )
    .join('') +
  '</select></div>';

function membersForm(conventions: Conventions, form: ImportForm, viewer: PageViewer | null) {
  return (
    `<form method="post" action="/admin/import/membres/apercu">${csrfField(viewer)}` +
    conventionSelect(conventions, form.convention, 'import-convention') +
    textarea(
      'membres',
      'import-membres',
      'Membres (CSV)',
      form.membres ?? '',
      'Collez le fichier tel que le tableur l’enregistre en CSV : une ligne par personne et par instance, ' +
        'colonnes email;nom;fonction;structure;instance;role;siege;represente (« ; » ou « , »).',
    ) +
    '<p><button type="submit">Prévisualiser l’import des membres</button></p></form>'
  );
}

function setupForm(form: ImportForm, viewer: PageViewer | null) {
  return (
    `<form method="post" action="/admin/import/apercu">${csrfField(viewer)}` +
    textarea(
      'setup',
      'import-setup',
      'Configuration (JSON)',
      form.setup ?? '',
      'Le fichier de configuration d’une convention, tel que l’export ou « concerto convention export » l’écrit.',
    ) +
    '<p><button type="submit">Prévisualiser l’import de la configuration</button></p></form>'
  );
}

function runningForm(conventions: Conventions, form: ImportForm, viewer: PageViewer | null) {
  return (
    `<form method="post" action="/admin/import/en-cours/apercu">${csrfField(viewer)}` +
    conventionSelect(conventions, form.convention, 'import-en-cours-convention') +
    // Shown by the page's script, which puts the file's text in the field below; without it, paste.
    '<div class="field" hidden><label for="import-en-cours-fichier">Fichier (JSON)</label>' +
    '<input type="file" id="import-en-cours-fichier" accept=".json,application/json" ' +
    'data-file-into="import-en-cours"></div>' +
    textarea(
      'enCours',
      'import-en-cours',
      'Convention en cours (JSON)',
      form.enCours ?? '',
      'Le fichier au format « concerto.running-convention » : les réunions déjà tenues, chaque fiche à son stade ' +
        'avec ses versions, les décisions prises.',
    ) +
    '<p><button type="submit">Vérifier</button></p></form>'
  );
}

/** The import page: members (CSV), a whole setup (JSON) and a running convention (JSON), each previewed first. */
export function importPage(conventions: Conventions, viewer: PageViewer | null): string {
  return renderAppPage({
    title: 'Import',
    current: '/admin/import',
    viewer,
    body: [
      '<h1>Importer</h1>',
      '<p>Chaque import est d’abord prévisualisé : ce qu’il créera ou modifiera, ou chaque erreur, ligne par ' +
        'ligne. Rien n’est écrit avant votre confirmation ; l’import écrit alors tout ou rien.</p>',
      '<section aria-labelledby="import-membres-titre"><h2 id="import-membres-titre">Membres des instances (CSV)</h2>',
      conventions.length
        ? membersForm(conventions, {}, viewer)
        : '<p>Aucune convention : importez d’abord sa configuration.</p>',
      '</section>',
      '<section aria-labelledby="import-setup-titre"><h2 id="import-setup-titre">Configuration d’une convention ' +
        '(JSON)</h2>',
      '<p>Structures, personnes, instances et membres, enjeux et objectifs, jalons, sondages. L’importer à nouveau ' +
        'ne change rien ; les membres et objectifs que le fichier ne liste plus sont retirés.</p>',
      setupForm({}, viewer),
      '</section>',
      '<section aria-labelledby="import-en-cours-titre"><h2 id="import-en-cours-titre">Convention en cours</h2>',
      '<p>Une CTG commencée avant Concerto, une fois sa configuration importée : ses réunions tenues, ses fiches à ' +
        'leur stade, ses décisions. Chaque fiche reprend ensuite à son stade.</p>',
      conventions.length
        ? runningForm(conventions, {}, viewer)
        : '<p>Aucune convention : importez d’abord sa configuration.</p>',
      '</section>',
    ],
    scripts: [FORM_SCRIPT_PATH],
  });
}

/** The problems of a preview, each on its line and column (or field), in a table. */
function problemsTable(problems: ReadonlyArray<{ where: string; column: string; message: string }>, head: string) {
  const rows = problems.map(
    (p) => `<tr><td>${escapeHtml(p.where)}</td><td>${escapeHtml(p.column)}</td><td>${escapeHtml(p.message)}</td></tr>`,
  );
  return (
    `<p role="alert" class="failed">` +
    (problems.length === 1 ? 'Une erreur empêche' : `${problems.length} erreurs empêchent`) +
    ' l’import : rien n’a été écrit. Corrigez le fichier, puis prévisualisez-le de nouveau.</p>' +
    scrolling('Erreurs à corriger', [head, 'Colonne ou champ', 'Problème'], rows)
  );
}

/** The confirmation: the same text sent again, to the import itself; sent once. */
function confirmForm(action: string, fields: Record<string, string>, button: string, viewer: PageViewer | null) {
  return (
    `<form method="post" action="${action}">${csrfField(viewer)}` +
    Object.entries(fields)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
      .join('') +
    `<p><button type="submit">${escapeHtml(button)}</button></p></form>`
  );
}

const counted = (summary: { created: number; updated: number; unchanged: number; removed?: number }) =>
  `${summary.created} création${summary.created > 1 ? 's' : ''}, ${summary.updated} modification` +
  `${summary.updated > 1 ? 's' : ''}, ${summary.unchanged} inchangé${summary.unchanged > 1 ? 's' : ''}` +
  (summary.removed === undefined ? '' : `, ${summary.removed} retrait${summary.removed > 1 ? 's' : ''}`);

/** What a preview found, then either its errors and the form again, or the confirmation. */
function previewPage(
  title: string,
  found: { problems: string; changes: string; summary: string; writes: boolean },
  confirm: string,
  again: string,
  viewer: PageViewer | null,
) {
  return renderAppPage({
    title,
    current: '/admin/import',
    viewer,
    scripts: [FORM_SCRIPT_PATH],
    body: [
      `<h1>${escapeHtml(title)}</h1>`,
      found.problems ||
        `<p role="status">Aperçu, rien n’est encore écrit : ${escapeHtml(found.summary)}.</p>` +
          (found.writes ? '' : '<p>Le fichier ne change rien : il n’y a rien à importer.</p>'),
      found.changes,
      found.problems || !found.writes ? '' : confirm,
      '<h2>Corriger le fichier</h2>',
      again,
      '<p><a href="/admin/import">Retour à l’import</a></p>',
    ],
  });
}

/** The members preview's page. */
export function membersPreviewPage(
  conventions: Conventions,
  form: Required<Pick<ImportForm, 'convention' | 'membres'>>,
  preview: MembersCsvPreview,
  viewer: PageViewer | null,
): string {
  const rows = preview.rows.map(
    (r) =>
      `<tr><td>${r.line}</td><td>${escapeHtml(r.name)}<br><span class="muted">${escapeHtml(r.email)}</span></td>` +
      `<td>${escapeHtml(r.instance)}</td><td>${escapeHtml(r.role)} (${escapeHtml(r.seat)})</td>` +
      `<td>${OUTCOMES[r.outcome]}</td><td>${escapeHtml(r.changes.join(' ; '))}</td></tr>`,
  );
  const problems = preview.problems.map((p: LineProblem) => ({
    where: p.line === null ? 'fichier' : String(p.line),
    column: p.column === null ? '—' : `« ${p.column} »`,
    message: p.message,
  }));
  return previewPage(
    'Aperçu de l’import des membres',
    {
      problems: problems.length ? problemsTable(problems, 'Ligne') : '',
      changes: rows.length
        ? scrolling(
            'Lignes du fichier',
            ['Ligne', 'Personne', 'Instance', 'Rôle (siège)', 'Résultat', 'Changements'],
            rows,
          )
        : '',
      summary: counted(preview.summary),
      writes: preview.summary.created + preview.summary.updated > 0,
    },
    confirmForm('/admin/import/membres', form, 'Confirmer l’import des membres', viewer),
    membersForm(conventions, form, viewer),
    viewer,
  );
}

/** The setup preview's page. */
export function setupPreviewPage(text: string, preview: SetupPreview, viewer: PageViewer | null): string {
  const rows = preview.changes.map(
    (c) => `<tr><td>${escapeHtml(c.step)}</td><td>${escapeHtml(c.key)}</td><td>${OUTCOMES[c.outcome]}</td></tr>`,
  );
  const locations = preview.problems.length ? jsonValueLocations(text) : new Map<string, TextLocation>();
  const problems = preview.problems.map((p) => {
    // JSON.parse says where the text breaks; a field the checks refuse is found in the text.
    const broken = /\(line (\d+) column (\d+)\)/.exec(p.message);
    if (broken) return { where: broken[1]!, column: `colonne ${broken[2]}`, message: p.message };
    const at = p.field === 'setup' ? undefined : locateField(locations, p.field);
    return { where: at ? String(at.line) : '—', column: p.field ? `« ${p.field} »` : '—', message: p.message };
  });
  return previewPage(
    'Aperçu de l’import de la configuration',
    {
      problems: problems.length ? problemsTable(problems, 'Ligne') : '',
      changes: rows.length ? scrolling('Enregistrements créés ou modifiés', ['Rubrique', 'Clé', 'Résultat'], rows) : '',
      summary: counted(preview.summary),
      writes: preview.summary.created + preview.summary.updated + preview.summary.removed > 0,
    },
    confirmForm('/admin/import', { setup: text }, 'Confirmer l’import de la configuration', viewer),
    setupForm({ setup: text }, viewer),
    viewer,
  );
}

const plural = (count: number, one: string, many: string) => `${count} ${count > 1 ? many : one}`;

/** The running convention's preview page: what it would write, or every problem with its line and JSON path. */
export function runningPreviewPage(
  conventions: Conventions,
  form: Required<Pick<ImportForm, 'convention' | 'enCours'>>,
  outcome: { preview: RunningPreview } | { problems: Array<FieldIssue & { line?: number }> },
  viewer: PageViewer | null,
): string {
  const preview = 'preview' in outcome ? outcome.preview : undefined;
  const problems = 'problems' in outcome ? outcome.problems : [];
  const stages = (preview?.stages ?? []).map(
    (s) => `<tr><td>${escapeHtml(capitalized(STAGE_LABELS[s.stage]))}</td><td>${s.fiches}</td></tr>`,
  );
  const fiches = (preview?.fiches ?? []).map(
    (f) =>
      `<tr><td>${escapeHtml(f.code)}</td><td>${escapeHtml(f.title)}</td>` +
      `<td>${escapeHtml(STAGE_LABELS[f.stage])}</td></tr>`,
  );
  return previewPage(
    'Aperçu de l’import de la convention en cours',
    {
      problems: problems.length
        ? problemsTable(
            problems.map((p) => ({
              where: p.line === undefined ? '—' : String(p.line),
              column: p.field ? `« ${p.field} »` : '—',
              message: p.message,
            })),
            'Ligne',
          )
        : '',
      changes: preview
        ? scrolling('Fiches par stade', ['Stade', 'Fiches'], stages) +
          scrolling('Fiches importées', ['Référence', 'Titre', 'Stade'], fiches)
        : '',
      summary: preview
        ? `${plural(preview.fiches.length, 'fiche', 'fiches')}, ` +
          `${plural(preview.meetings, 'réunion tenue', 'réunions tenues')}, ` +
          `${plural(preview.decisions, 'décision', 'décisions')}, ` +
          `${preview.opinions} avis de partenaire (CAF, MSA)`
        : '',
      writes: true,
    },
    confirmForm('/admin/import/en-cours', form, 'Confirmer l’import', viewer),
    runningForm(conventions, form, viewer),
    viewer,
  );
}

/** The problems of a running convention's text: where its JSON breaks, else each issue on its line. */
function runningProblems(text: string, error: DomainError): Array<FieldIssue & { line?: number }> {
  const broken = /\(line (\d+) column \d+\)/.exec(error.message);
  if (broken) return [{ field: '', message: error.message, line: Number(broken[1]) }];
  return issuesWithLines(text, error.issues?.length ? error.issues : [{ field: '', message: error.message }]);
}

/** The fields of an import form, as texts. */
function importForm(body: unknown): ImportForm {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const textOf = (name: keyof ImportForm) => (typeof fields[name] === 'string' ? fields[name] : undefined);
  return {
    ...(textOf('convention') === undefined ? {} : { convention: textOf('convention')! }),
    ...(textOf('membres') === undefined ? {} : { membres: textOf('membres')! }),
    ...(textOf('setup') === undefined ? {} : { setup: textOf('setup')! }),
    ...(textOf('enCours') === undefined ? {} : { enCours: textOf('enCours')! }),
  };
}

/** The setup pasted in the form, parsed; a French 400 naming where the JSON breaks. */
export function readSetupText(text: string | undefined): unknown {
  if (typeof text !== 'string')
    throw new HttpError(
      400,
      'INVALID_INPUT',
      'Collez la configuration (JSON) dans le champ « Configuration » du formulaire.',
      'setup',
    );
  return readJsonText(text, 'setup');
}

/** A JSON text pasted in a form, parsed; a DomainError on `field` naming where it breaks (line and column). */
function readJsonText(text: string, field: string): unknown {
  checkJsonDepth(text);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError(
      'INVALID_INPUT',
      `Le texte collé n’est pas un JSON valide (${(error as Error).message}) : collez le fichier tel quel.`,
      field,
    );
  }
}

function runningText(form: ImportForm): { convention: string; enCours: string } {
  if (typeof form.convention !== 'string' || typeof form.enCours !== 'string')
    throw new HttpError(
      400,
      'INVALID_INPUT',
      'Choisissez la convention et collez le fichier de la convention en cours (JSON) dans le formulaire.',
      'enCours',
    );
  return { convention: form.convention, enCours: form.enCours };
}

function membersText(form: ImportForm): { convention: string; membres: string } {
  if (typeof form.convention !== 'string' || typeof form.membres !== 'string')
    throw new HttpError(
      400,
      'INVALID_INPUT',
      'Choisissez la convention et collez le fichier CSV des membres dans le formulaire.',
      'membres',
    );
  return { convention: form.convention, membres: form.membres };
}

/**
 * The import pages: members (CSV), a whole setup (JSON) and a running convention (JSON). Each form is
 * first previewed — the dry run of the import (store/conventions, or the running convention's client
 * use case: the same reading and checks as the API), what it would create or change, or every error
 * by line and column or JSON path — and nothing is written; the preview's confirmation sends the same
 * text to the import, which runs on in the background with its progress page and writes everything
 * or nothing. Admins only, like the API's imports.
 */
export function registerImportPages(
  app: FastifyInstance,
  deps: {
    client: Client;
    store: Store;
    taskQueue: string;
    jobs: JobRegistry;
    viewerOf(request: FastifyRequest): PageViewer | null;
  },
): void {
  const page = { tag: 'pages', access: 'admin', bodyLimit: IMPORT_LIMIT } as const;
  const html = { description: 'HTML page', contentType: 'text/html' } as const;
  const conventions = () => deps.store.conventions.list({});

  route(
    app,
    {
      ...page,
      method: 'GET',
      url: '/admin/import',
      summary: 'The page that previews, then imports, members (CSV) or a convention’s setup (JSON)',
      success: { status: 200, ...html },
    },
    async (request, reply) => sendAppPage(reply, 200, importPage(await conventions(), deps.viewerOf(request))),
  );

  route(
    app,
    {
      ...page,
      method: 'POST',
      url: '/admin/import/apercu',
      summary: 'Preview the setup pasted in the form: what it would create or change, or its errors; writes nothing',
      body: { contentType: 'application/x-www-form-urlencoded', description: 'Form fields `setup`, `_csrf`' },
      success: { status: 200, ...html },
    },
    async (request, reply) => {
      const text = importForm(request.body).setup;
      let preview: SetupPreview;
      try {
        preview = await deps.store.conventions.previewSetup(readSetupText(text));
      } catch (error) {
        if (!(error instanceof DomainError) || text === undefined) throw error;
        preview = {
          summary: { created: 0, updated: 0, unchanged: 0, removed: 0 },
          changes: [],
          problems: [{ field: 'setup', message: error.message }],
        };
      }
      const status = preview.problems.length ? 422 : 200;
      return sendAppPage(reply, status, setupPreviewPage(text!, preview, deps.viewerOf(request)));
    },
  );

  // An import writes everything or nothing; it runs on, and its page shows how far it is.
  route(
    app,
    {
      ...page,
      method: 'POST',
      url: '/admin/import',
      summary: 'Import the setup confirmed in the preview, in the background (all or nothing)',
      body: { contentType: 'application/x-www-form-urlencoded', description: 'Form fields `setup`, `_csrf`' },
      success: { status: 303, description: 'Redirect to its progress page', contentType: 'text/html' },
    },
    async (request, reply) => {
      const setup = readSetupText(importForm(request.body).setup);
      const audit = auditAs(deps.store, request);
      const job = deps.jobs.start('Import d’une configuration', async (report) => {
        const summary = await deps.store.conventions.importSetup(setup, { onProgress: report });
        await audit('convention.import', setupSubject(setup), { ...summary });
        return (
          `Configuration importée : ${summary.created} créés, ${summary.updated} mis à jour,` +
          ` ${summary.unchanged} inchangés, ${summary.removed} retirés.`
        );
      });
      return reply.code(303).header('location', `/admin/taches/${job.id}`).send();
    },
  );

  route(
    app,
    {
      ...page,
      method: 'POST',
      url: '/admin/import/membres/apercu',
      summary: 'Preview the members CSV pasted in the form: each line’s outcome, or its errors; writes nothing',
      body: {
        contentType: 'application/x-www-form-urlencoded',
        description: 'Form fields `convention` (slug), `membres` (the CSV text), `_csrf`',
      },
      success: { status: 200, ...html },
      errors: [404],
    },
    async (request, reply) => {
      const form = membersText(importForm(request.body));
      const convention = await deps.store.conventions.resolve(form.convention);
      const preview = await deps.store.conventions.previewMembersCsv(convention.slug, form.membres);
      const page = membersPreviewPage(await conventions(), form, preview, deps.viewerOf(request));
      return sendAppPage(reply, preview.problems.length ? 422 : 200, page);
    },
  );

  route(
    app,
    {
      ...page,
      method: 'POST',
      url: '/admin/import/membres',
      summary: 'Import the members CSV confirmed in the preview, in the background (all or nothing)',
      body: {
        contentType: 'application/x-www-form-urlencoded',
        description: 'Form fields `convention` (slug), `membres` (the CSV text), `_csrf`',
      },
      success: { status: 303, description: 'Redirect to its progress page', contentType: 'text/html' },
      errors: [404],
    },
    async (request, reply) => {
      const form = membersText(importForm(request.body));
      const { slug } = await deps.store.conventions.resolve(form.convention);
      const audit = auditAs(deps.store, request);
      const job = deps.jobs.start('Import des membres', async () => {
        const summary = await deps.store.conventions.importMembersCsv(slug, form.membres);
        await audit('convention.importMembers', `convention:${slug}`, { ...summary });
        return (
          `Membres importés : ${summary.created} créés, ${summary.updated} mis à jour, ` +
          `${summary.unchanged} inchangés.`
        );
      });
      return reply.code(303).header('location', `/admin/taches/${job.id}`).send();
    },
  );

  const runningFields = 'Form fields `convention` (slug), `enCours` (the JSON text), `_csrf`';
  route(
    app,
    {
      ...page,
      method: 'POST',
      url: '/admin/import/en-cours/apercu',
      summary:
        'Preview the running convention pasted in the form (the API’s dry run): what it would write, or every ' +
        'problem with its line and JSON path; writes nothing',
      body: { contentType: 'application/x-www-form-urlencoded', description: runningFields },
      success: { status: 200, ...html },
      errors: [404],
    },
    async (request, reply) => {
      const form = runningText(importForm(request.body));
      const convention = await deps.store.conventions.resolve(form.convention);
      let outcome: Parameters<typeof runningPreviewPage>[2];
      try {
        outcome = { preview: await previewRunningConvention(deps, convention.id, readJsonText(form.enCours, '')) };
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'INVALID_INPUT') throw error;
        outcome = { problems: runningProblems(form.enCours, error) };
      }
      const page = runningPreviewPage(await conventions(), form, outcome, deps.viewerOf(request));
      return sendAppPage(reply, 'problems' in outcome ? 422 : 200, page);
    },
  );

  // The API's import, run on as the others: its progress page then links to the fiches it made.
  route(
    app,
    {
      ...page,
      method: 'POST',
      url: '/admin/import/en-cours',
      summary: 'Import the running convention confirmed in the preview, in the background (all or nothing)',
      body: { contentType: 'application/x-www-form-urlencoded', description: runningFields },
      success: { status: 303, description: 'Redirect to its progress page', contentType: 'text/html' },
      errors: [404],
    },
    async (request, reply) => {
      const form = runningText(importForm(request.body));
      const convention = await deps.store.conventions.resolve(form.convention);
      const file = readJsonText(form.enCours, 'enCours');
      const audit = auditAs(deps.store, request);
      const importedBy = routeViewer(request).email;
      const job = deps.jobs.start('Import d’une convention en cours', async () => {
        const imported = await importRunning(deps, audit, convention, file, importedBy);
        return {
          message:
            `Convention en cours importée : ${plural(imported.fiches.length, 'fiche', 'fiches')}, ` +
            `${plural(imported.meetings, 'réunion tenue', 'réunions tenues')}, ` +
            `${plural(imported.decisions, 'décision', 'décisions')} ; chaque fiche reprend à son stade.`,
          links: [
            { href: `/?convention=${encodeURIComponent(convention.slug)}`, label: 'Le tableau de bord des fiches' },
            ...imported.fiches.map((f) => ({ href: `/fiches/${f.ficheId}`, label: `${f.code} — ${f.title}` })),
          ],
        };
      });
      return reply.code(303).header('location', `/admin/taches/${job.id}`).send();
    },
  );
}

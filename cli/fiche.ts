import type * as FicheContent from '../domain/fiche-content.js';
import { STAGE_LABELS } from '../domain/lifecycle/labels.js';
import { STAGES, type Stage } from '../domain/lifecycle/vocabulary.js';
import type { FicheState, FicheSummary, FicheVersionView } from '../domain/fiche-views.js';
import { usageError } from './cli-error.js';
import { list, text, type Command } from './command.js';
import { readJsonFile } from './files.js';
import { fields, frenchDay, frenchInstant } from './output.js';

const stageLabel = (stage: string | undefined) => (stage ? (STAGE_LABELS[stage as Stage] ?? stage) : '—');
const ficheRoute = (id: string) => `/api/fiches/${encodeURIComponent(id)}`;

/** A fiche's state as people read it. */
export function describeFiche(state: FicheState): string {
  return fields([
    ['Fiche', `${state.code ?? '(numéro à venir)'} — ${state.title}`],
    ['Identifiant', state.ficheId],
    ['Étape', stageLabel(state.lifecycle.stage)],
    ['En attente', state.pending?.what],
    ['Ordre du jour', state.agenda ? `${state.agenda.title}, ${frenchInstant(state.agenda.startsAt)}` : null],
    ['Prochain rappel', state.deadlines.reminder ? frenchInstant(state.deadlines.reminder) : null],
    ['Relance', state.deadlines.escalation ? frenchInstant(state.deadlines.escalation) : null],
  ]);
}

/** The content fields `fiche edit` takes one by one (domain/fiche-content.ts on the server). */
const CONTENT_TEXT_FIELDS = {
  title: 'title',
  enjeu: 'enjeu',
  pilote: 'pilote',
  public: 'publicVise',
  secteur: 'secteur',
  calendrier: 'calendrier',
} as const;

/** The fiche actions' verbs. */
export const ficheCommands: Record<string, Command> = {
  'fiche create': {
    usage: 'fiche create --title <titre> [--gtt <slug>] [--author <e-mail>] [--convention <slug>]',
    summary: 'crée une fiche action (brouillon du GTT : --gtt, sinon celui de l’auteur) et lance son workflow',
    options: {
      title: { type: 'string' },
      gtt: { type: 'string' },
      author: { type: 'string' },
      convention: { type: 'string' },
    },
    required: ['title'],
    async run({ values, api, out }) {
      const convention = text(values, 'convention');
      const created = await api.json<{ ficheId: string; workflowId: string }>('POST', '/api/fiches', {
        json: {
          title: text(values, 'title'),
          gtt: text(values, 'gtt'),
          authorEmail: text(values, 'author'),
          ...(convention ? { convention } : {}),
        },
      });
      out.result(
        created,
        (c) =>
          `Fiche créée : ${c.ficheId} (workflow ${c.workflowId}).\nSuite : concerto ` +
          `fiche edit ${c.ficheId} …, puis concerto fiche submit ${c.ficheId}`,
      );
    },
  },
  'fiche edit': {
    usage:
      'fiche edit <fiche> [--title …] [--enjeu <code>] [--objectif <code>]… [--pilote <e-mail>] ' +
      '[--partenaire <structure>]… [--public …] [--secteur …] [--calendrier …] [--file contenu.json]',
    summary: 'modifie le contenu du brouillon (les champs donnés ; --file : un objet JSON de champs)',
    options: {
      title: { type: 'string' },
      enjeu: { type: 'string' },
      objectif: { type: 'string', multiple: true },
      pilote: { type: 'string' },
      partenaire: { type: 'string', multiple: true },
      public: { type: 'string' },
      secteur: { type: 'string' },
      calendrier: { type: 'string' },
      file: { type: 'string' },
    },
    positionals: ['fiche'],
    async run({ values, positionals, api, out }) {
      const content: Record<string, unknown> = {};
      const file = text(values, 'file');
      if (file) Object.assign(content, await readJsonFile(file));
      for (const [option, field] of Object.entries(CONTENT_TEXT_FIELDS)) {
        const value = text(values, option);
        if (value !== undefined) content[field] = value;
      }
      if (values.objectif !== undefined) content.objectifs = list(values, 'objectif');
      if (values.partenaire !== undefined) content.partenaires = list(values, 'partenaire');
      if (Object.keys(content).length === 0)
        throw usageError('fiche edit : donnez au moins un champ à modifier, ou --file.');
      const state = await api.json<unknown>('PATCH', `${ficheRoute(positionals[0]!)}/content`, { json: content });
      out.result(state, () => `Contenu de la fiche ${positionals[0]} enregistré (${Object.keys(content).join(', ')}).`);
    },
  },
  'fiche submit': {
    usage: 'fiche submit <fiche>',
    summary: 'soumet le brouillon au COTECH (la fiche rejoint l’ordre du jour de sa prochaine réunion)',
    positionals: ['fiche'],
    async run({ positionals, api, out }) {
      const state = await api.json<FicheState>('POST', `${ficheRoute(positionals[0]!)}/actions/submit`, { json: {} });
      out.result(state, (s) => `Fiche soumise.\n${describeFiche(s)}`);
    },
  },
  'fiche show': {
    usage: 'fiche show <fiche> [--versions]',
    summary:
      'montre l’étape de la fiche, ce qu’elle attend, son ordre du jour et ses échéances (--versions : ses versions)',
    options: { versions: { type: 'boolean' } },
    positionals: ['fiche'],
    async run({ values, positionals, api, out }) {
      const state = await api.json<FicheState>('GET', ficheRoute(positionals[0]!));
      if (!values.versions) return out.result(state, describeFiche);
      const { versions } = await api.json<{ versions: FicheVersionView[] }>(
        'GET',
        `${ficheRoute(positionals[0]!)}/versions`,
      );
      // fiche-content brings zod: loaded by this verb only, not at every start of the CLI.
      const content = await import('../domain/fiche-content.js');
      const describe = (version: FicheVersionView) => describeVersion(version, content);
      out.result({ ...state, versions }, () => [describeFiche(state), ...versions.map(describe)].join('\n\n'));
    },
  },
  'fiche list': {
    usage: `fiche list [--convention <slug>] [--status <${STAGES.join('|')}>]`,
    summary: 'liste les fiches actions de la convention, avec leur étape',
    options: { convention: { type: 'string' }, status: { type: 'string' } },
    async run({ values, api, out }) {
      const query = new URLSearchParams(
        Object.entries({ convention: text(values, 'convention'), status: text(values, 'status') }).filter(
          (e): e is [string, string] => e[1] !== undefined,
        ),
      );
      const answer = await api.json<{ fiches: FicheSummary[] }>('GET', `/api/fiches${query.size ? `?${query}` : ''}`);
      out.result(answer, ({ fiches }) =>
        fiches.length === 0
          ? 'Aucune fiche.'
          : fiches
              .map((f) => `${f.code.padEnd(11)} ${stageLabel(f.status).padEnd(24)} ${f.title}  (${f.id})`)
              .join('\n'),
      );
    },
  },
};

/** One version: who wrote it, when, its content, and what it changed from the one before. */
function describeVersion(
  version: FicheVersionView,
  { FICHE_FIELD_LABELS, describeField }: typeof FicheContent,
): string {
  const head =
    `Version ${version.version} (${version.state}), par ${version.createdBy} le ` + `${frenchDay(version.createdAt)}`;
  const content = (Object.keys(FICHE_FIELD_LABELS) as FicheContent.FicheField[]).map(
    (field) => [FICHE_FIELD_LABELS[field], describeField(version.content, field)] as const,
  );
  const changes = version.changes.map((c) => `  ${c.label} : ${c.before} → ${c.after}`);
  return [head, fields(content), ...(changes.length ? ['Changements :', ...changes] : [])].join('\n');
}

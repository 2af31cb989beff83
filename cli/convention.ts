import path from 'node:path';
import { issuesWithLines } from '../domain/json-locations.js';
import type { FieldIssue } from '../domain/errors.js';
import { CliError } from './cli-error.js';
import { text, type Command } from './command.js';
import { conventionSlug } from './convention-arg.js';
import { readJsonFile, readTextFile } from './files.js';
import { frenchDay } from './output.js';

interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

const describeImport = ({ imported }: { imported: ImportSummary }) =>
  `Import terminé : ${imported.created} créé(s), ${imported.updated} ` +
  `modifié(s), ${imported.unchanged} inchangé(s), ${imported.removed} retiré(s).`;

interface RunningPreview {
  meetings: number;
  decisions: number;
  opinions: number;
  stages: Array<{ stage: string; fiches: number }>;
  fiches: Array<{ code: string; title: string; stage: string }>;
}

interface RunningImport {
  meetings: number;
  decisions: number;
  fiches: Array<{ ficheId: string; code: string; title: string }>;
}

/**
 * The API's field errors on a JSON file, each named by its line in that file as well as its path
 * (`ligne 12, fiches.0.stage`), so the file can be corrected in an editor.
 */
export function locateIssues(fileText: string, issues: readonly FieldIssue[]): FieldIssue[] {
  return issuesWithLines(fileText, issues).map(({ line, ...issue }) =>
    line === undefined ? issue : { ...issue, field: `ligne ${line}, ${issue.field || 'fichier'}` },
  );
}

const slugRoute = (slug: string) => `/api/conventions/${encodeURIComponent(slug)}`;

/** Conventions: the list, and a setup (JSON) or members list (CSV) in and out. */
export const conventionCommands: Record<string, Command> = {
  'convention list': {
    usage: 'convention list',
    summary: 'liste les conventions chargées',
    async run({ api, out }) {
      const answer = await api.json<{
        conventions: Array<{ slug: string; name: string; startDate: string; endDate: string }>;
      }>('GET', '/api/conventions');
      out.result(answer, ({ conventions }) =>
        conventions.length
          ? conventions
              .map((c) => `${c.slug}  ${c.name} (${frenchDay(c.startDate)} → ${frenchDay(c.endDate)})`)
              .join('\n')
          : 'Aucune convention : concerto demo charge celle de démonstration.',
      );
    },
  },
  'convention import': {
    usage: 'convention import <fichier.json | fichier.csv> [--convention <slug>]',
    summary:
      'importe la configuration entière (JSON) ou les membres (CSV « ' +
      '; ») : tout ou rien, chaque problème avec son champ ou sa ligne',
    options: { convention: { type: 'string' } },
    positionals: ['fichier'],
    async run({ values, positionals, api, out }) {
      const file = positionals[0]!;
      if (path.extname(file).toLowerCase() === '.csv') {
        const csv = await readTextFile(file);
        const slug = await conventionSlug(api, text(values, 'convention'));
        const answer = await api.json<{ imported: ImportSummary }>('POST', `${slugRoute(slug)}/members.csv`, {
          text: csv,
          contentType: 'text/csv',
        });
        return out.result(answer, describeImport);
      }
      const setup = await readJsonFile(file);
      const answer = await api.withProgress<{ imported: ImportSummary }>(
        'PUT',
        '/api/conventions/setup',
        (done, total, step) => out.progress(done, total, step),
        { json: setup },
      );
      out.result(answer, describeImport);
    },
  },
  'convention import-running': {
    usage: 'convention import-running <fichier.json> [--convention <slug>] [--dry-run]',
    summary:
      'importe une convention déjà en cours (réunions tenues, fiches à leur stade, décisions) : ' +
      'tout ou rien, chaque problème avec sa ligne et son champ ; --dry-run vérifie et résume sans rien écrire',
    options: { convention: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    positionals: ['fichier'],
    async run({ values, positionals, api, out }) {
      const file = positionals[0]!;
      const fileText = await readTextFile(file);
      const running = await readJsonFile(file);
      const slug = await conventionSlug(api, text(values, 'convention'));
      const put = async <T>(query: string) => {
        try {
          return await api.json<T>('PUT', `${slugRoute(slug)}/running${query}`, { json: running });
        } catch (error) {
          if (!(error instanceof CliError) || error.issues.length === 0) throw error;
          const located = locateIssues(fileText, error.issues);
          throw new CliError(error.message, error.exitCode, error.hint, located, error.body);
        }
      };
      if (values['dry-run'])
        return out.result(await put<{ preview: RunningPreview }>('?dryRun=true'), ({ preview }) =>
          [
            `Aperçu, rien n’est écrit : ${preview.fiches.length} fiche(s), ${preview.meetings} réunion(s) tenue(s), ` +
              `${preview.decisions} décision(s), ${preview.opinions} avis de partenaire.`,
            ...preview.fiches.map((f) => `${f.code}  ${f.title}  (${f.stage})`),
          ].join('\n'),
        );
      const answer = await put<{ imported: RunningImport }>('');
      out.result(answer, ({ imported }) =>
        [
          `Import terminé : ${imported.fiches.length} fiche(s), ${imported.meetings} réunion(s) tenue(s), ` +
            `${imported.decisions} décision(s) ; chaque fiche reprend à son stade.`,
          ...imported.fiches.map((f) => `${f.code}  ${f.title}`),
        ].join('\n'),
      );
    },
  },
  'convention export': {
    usage: 'convention export [--convention <slug>] [--members]',
    summary: 'écrit sur la sortie la configuration de la convention (JSON), ou ses membres (CSV) avec --members',
    options: { convention: { type: 'string' }, members: { type: 'boolean' } },
    async run({ values, api, out }) {
      const slug = await conventionSlug(api, text(values, 'convention'));
      if (values.members) {
        const csv = await api.text('GET', `${slugRoute(slug)}/members.csv`, undefined, 'text/csv');
        return out.json ? out.result({ convention: slug, csv }, () => csv) : out.document(csv);
      }
      const setup = await api.text('GET', `${slugRoute(slug)}/setup`, undefined, 'application/json');
      out.document(setup);
    },
  },
};

import path from 'node:path';
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

import { CliError } from './cli-error.js';
import type { Command } from './command.js';
import { EXIT } from './exit-codes.js';

/** One line of POST /api/demo's stream (client/http/demo.ts). */
type DemoLine = { progress: { done: number; total: number; step: string } } | { done: { slug: string; created: number; updated: number; unchanged: number; removed: number } };

/** Loading the reference CTG into the running app, with its progress. */
export const demoCommands: Record<string, Command> = {
  demo: {
    usage: 'demo',
    summary: 'charge la convention de démonstration (CTG Mellois en Poitou 2023-2027) ; la recharger ne change rien',
    async run({ api, out }) {
      let result: Extract<DemoLine, { done: unknown }>['done'] | undefined;
      await api.lines('POST', '/api/demo', (line) => {
        const parsed = line as DemoLine;
        if ('progress' in parsed) out.progress(parsed.progress.done, parsed.progress.total, parsed.progress.step);
        else result = parsed.done;
      });
      if (!result) throw new CliError('le chargement s’est interrompu sans résultat.', EXIT.unavailable, 'Voyez le journal de l’application, puis relancez concerto demo.');
      out.result(result, (r) => `Convention de démonstration chargée (${r.slug}) : ${r.created} créé(s), ${r.updated} modifié(s), ${r.unchanged} inchangé(s).`);
    },
  },
};

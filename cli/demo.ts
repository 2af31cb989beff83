import type { Command } from './command.js';

interface DemoLoaded {
  slug: string;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/** Loading the reference CTG into the running app, with its progress. */
export const demoCommands: Record<string, Command> = {
  demo: {
    usage: 'demo',
    summary: 'charge la convention de démonstration (CTG Mellois en Poitou 2023-2027) ; la recharger ne change rien',
    async run({ api, out }) {
      const loaded = await api.withProgress<DemoLoaded>('POST', '/api/demo', (done, total, step) =>
        out.progress(done, total, step),
      );
      out.result(
        loaded,
        (r) =>
          `Convention de démonstration chargée (${r.slug}) : ${r.created} ` +
          `créé(s), ${r.updated} modifié(s), ${r.unchanged} inchangé(s).`,
      );
    },
  },
};

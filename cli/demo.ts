import type { Command } from './command.js';

interface DemoLoaded {
  slug: string;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  live: { animated: boolean; meetings: number; fiches: number; answers: number; votes: number; seconds: number };
}

/** Loading the reference CTG into the running app, with its progress. */
export const demoCommands: Record<string, Command> = {
  demo: {
    usage: 'demo',
    summary:
      'charge la convention de démonstration (CTG Mellois en Poitou 2023-2027) et la fait vivre à partir ' +
      'd’aujourd’hui ; la recharger ne change rien',
    async run({ api, out }) {
      const loaded = await api.withProgress<DemoLoaded>('POST', '/api/demo', (done, total, step) =>
        out.progress(done, total, step),
      );
      out.result(
        loaded,
        (r) =>
          `Convention de démonstration chargée (${r.slug}) : ${r.created} ` +
          `créé(s), ${r.updated} modifié(s), ${r.unchanged} inchangé(s).\n` +
          (r.live.animated
            ? `Elle vit à partir d’aujourd’hui : ${r.live.meetings} réunions convoquées, ${r.live.fiches} fiches, ` +
              `${r.live.answers} réponses aux convocations, ${r.live.votes} votes au sondage (${r.live.seconds} s).`
            : 'Elle vivait déjà (fiches ou calendrier en cours) : rien n’a été ajouté.'),
      );
    },
  },
};

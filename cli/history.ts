import type { Command } from './command.js';
import { frenchInstant } from './output.js';

/** One line of a workflow's French timeline, as GET /api/workflows/:id/timeline gives it. */
interface TimelineEntry {
  at?: string;
  who?: string;
  what?: string;
}

/** A workflow's history as a French timeline: who did what, when, reminders and mails included. */
export const historyCommands: Record<string, Command> = {
  history: {
    usage: 'history <workflow>',
    summary: 'raconte l’histoire d’un workflow (fiche-…, meeting-…, poll-…) : qui, quoi, quand, rappels et courriels',
    positionals: ['workflow'],
    async run({ positionals, api, out }) {
      const answer = await api.json<{ entries?: TimelineEntry[] } | TimelineEntry[]>('GET', `/api/workflows/${encodeURIComponent(positionals[0]!)}/timeline`);
      const entries = Array.isArray(answer) ? answer : (answer.entries ?? []);
      out.result(answer, () =>
        entries.length === 0 ? 'Rien encore dans cette histoire.' : entries.map((e) => `${frenchInstant(e.at)}  ${e.who ? `${e.who} — ` : ''}${e.what ?? ''}`).join('\n'),
      );
    },
  },
};

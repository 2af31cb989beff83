import { text, type Command } from './command.js';
import { frenchInstant } from './output.js';

interface AuditEvent {
  at: string;
  actor: string;
  action: string;
  label: string;
  subject: string;
  details: unknown;
}

/** The audit log (admins): who did what, on what, when — from GET /api/audit. */
export const auditCommands: Record<string, Command> = {
  audit: {
    usage: 'audit --since <date> [--until <date>] [--actor <e-mail>] [--action <action>] [--limit <n>]',
    summary:
      'liste le journal des actes (réponses, votes, imports, connexions, jetons, étapes…), ' +
      'les plus récents d’abord ; dates 2026-12-01 (heure de Paris) ou ISO ; --action fiche prend fiche.*',
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      actor: { type: 'string' },
      action: { type: 'string' },
      limit: { type: 'string' },
    },
    required: ['since'],
    async run({ values, api, out }) {
      const query = new URLSearchParams();
      for (const name of ['since', 'until', 'actor', 'action', 'limit']) {
        const value = text(values, name);
        if (value !== undefined) query.set(name, value);
      }
      const log = await api.json<{ total: number; events: AuditEvent[] }>('GET', `/api/audit?${query}`);
      out.result(log, ({ total, events }) =>
        events.length === 0
          ? 'Aucune ligne dans le journal pour ce filtre.'
          : [
              ...events.map(
                (e) =>
                  `${frenchInstant(e.at)}  ${e.actor}  ${e.label}  ${e.subject}` +
                  (e.details ? `  ${JSON.stringify(e.details)}` : ''),
              ),
              ...(total > events.length ? [`(${events.length} lignes sur ${total} : voir --limit)`] : []),
            ].join('\n'),
      );
    },
  },
};

import { usageError } from './cli-error.js';
import type { Command } from './command.js';
import { frenchInstant } from './output.js';

interface CaughtMessage {
  id: string;
  to: string[];
  subject: string;
  date: string;
}

/** The embedded mail catcher's messages: who was told what. */
export const outboxCommands: Record<string, Command> = {
  outbox: {
    usage: 'outbox [--limit <n>]',
    summary: 'liste les courriels retenus par la boîte d’envoi locale, les plus récents d’abord',
    options: { limit: { type: 'string' } },
    async run({ values, api, out }) {
      if (typeof values.limit === 'string' && !/^\d{1,6}$/.test(values.limit))
        throw usageError(`--limit « ${values.limit} » n’est pas un nombre entier.`, 'Par exemple : --limit 10.');
      const answer = await api.json<{ messages: CaughtMessage[] }>('GET', '/api/outbox');
      const limit = typeof values.limit === 'string' ? Number(values.limit) : undefined;
      const messages = limit === undefined ? answer.messages : answer.messages.slice(0, limit);
      out.result({ messages }, () =>
        messages.length === 0
          ? 'Aucun courriel.'
          : messages
              .map(
                (m) =>
                  `${frenchInstant(m.date)}  ${m.to.join(', ')}\n  ` +
                  `${m.subject}  (${api.target.url}/api/outbox/${m.id}.eml)`,
              )
              .join('\n'),
      );
    },
  },
};

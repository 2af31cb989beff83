import { text, type Command } from './command.js';
import { conventionSlug } from './convention-arg.js';

/** The convention's meetings as iCalendar, for a calendar application or a file. */
export const calendarCommands: Record<string, Command> = {
  calendar: {
    usage: 'calendar [--convention <slug>] > reunions.ics',
    summary: 'écrit sur la sortie les réunions de la convention en iCalendar (ICS)',
    options: { convention: { type: 'string' } },
    async run({ values, api, out }) {
      const slug = await conventionSlug(api, text(values, 'convention'));
      const ics = await api.text(
        'GET',
        `/api/conventions/${encodeURIComponent(slug)}/calendar.ics`,
        undefined,
        'text/calendar',
      );
      if (out.json) return out.result({ convention: slug, ics }, () => ics);
      out.document(ics);
    },
  },
};

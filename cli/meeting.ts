import { PARTSTAT_LABELS, type PartStat } from '../domain/meeting-rules.js';
import { usageError } from './cli-error.js';
import { list, text, type Command, type CommandInput } from './command.js';
import { instantArg } from './instant.js';
import { fields, frenchInstant } from './output.js';

interface MeetingSummary {
  meetingId?: string;
  title?: string;
  startsAt?: string;
  endsAt?: string;
  status?: string;
  sequence?: number;
  quorumReached?: boolean | null;
}

function describeMeeting(meeting: MeetingSummary): string {
  return fields([
    ['Réunion', meeting.title],
    ['Identifiant', meeting.meetingId],
    ['Début', frenchInstant(meeting.startsAt)],
    ['Fin', frenchInstant(meeting.endsAt)],
    ['État', meeting.status],
    ...(meeting.quorumReached === undefined || meeting.quorumReached === null
      ? []
      : [['Quorum', meeting.quorumReached ? 'atteint' : 'non atteint'] as const]),
  ]);
}

interface MeetingInvitee {
  email: string;
  name: string;
  partstat: string;
  mailRefused: { at: string; answer: string | null } | null;
}

/** One line per person convened: their answer, and a mail server's refusal of their address. */
function describeInvitees(invitees: readonly MeetingInvitee[]): string {
  if (invitees.length === 0) return 'Personne n’est encore convoqué.';
  const lines = invitees.map((i) => {
    const answer = PARTSTAT_LABELS[i.partstat as PartStat] ?? i.partstat;
    const serverAnswer = i.mailRefused?.answer ? ` (${i.mailRefused.answer})` : '';
    const refused = i.mailRefused ? ` ; adresse refusée le ${frenchInstant(i.mailRefused.at)}${serverAnswer}` : '';
    return `  - ${i.name} <${i.email}> : ${answer}${refused}`;
  });
  return ['Convoqués :', ...lines].join('\n');
}

const meetingStep = (id: string, step: string) => `/api/meetings/${encodeURIComponent(id)}/${step}`;

/** Place, visio and override options, shared by create and reschedule. */
const placeOptions = { location: { type: 'string' }, visio: { type: 'string' }, force: { type: 'string' } } as const;

function timesOf(values: CommandInput['values']) {
  const location = text(values, 'location');
  const visio = text(values, 'visio');
  // A weekend, a public holiday or a short delay is refused unless forced with a reason, which is recorded.
  const force = text(values, 'force');
  return {
    startsAt: instantArg(text(values, 'start')!, 'start'),
    endsAt: instantArg(text(values, 'end')!, 'end'),
    ...(location ? { location } : {}),
    ...(visio ? { visioUrl: visio } : {}),
    ...(force !== undefined ? { override: { reason: force } } : {}),
  };
}

/** The meetings' verbs: schedule one, move it, cancel it, record who came. */
export const meetingCommands: Record<string, Command> = {
  'meeting create': {
    usage:
      'meeting create --instance <instance> --title <titre> --start "2027-09-14 14:00" ' +
      '--end "2027-09-14 17:00" [--location …] [--visio <url>] [--force <motif>] [--convention <slug>]',
    summary:
      'convoque une réunion d’une instance et invite ses membres ; un week-end, un jour férié ou un délai ' +
      'légal non tenu est refusé, sauf --force avec le motif, consigné',
    options: {
      instance: { type: 'string' },
      title: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      convention: { type: 'string' },
      ...placeOptions,
    },
    required: ['instance', 'title', 'start', 'end'],
    async run({ values, api, out }) {
      const convention = text(values, 'convention');
      const meeting = { instance: text(values, 'instance'), title: text(values, 'title'), ...timesOf(values) };
      const created = await api.json<{ meetingId: string; workflowId: string; icalUid: string; warnings: string[] }>(
        'POST',
        '/api/meetings',
        { json: { ...meeting, ...(convention ? { convention } : {}) } },
      );
      out.result(created, (m) =>
        [
          `Réunion convoquée.\n${describeMeeting({
            ...meeting,
            meetingId: m.meetingId,
            status: 'convocation en préparation',
          })}`,
          ...m.warnings.map((w) => `Attention : ${w}`),
        ].join('\n'),
      );
    },
  },
  'meeting show': {
    usage: 'meeting show <réunion>',
    summary: 'montre la réunion, chaque convoqué avec sa réponse, et les adresses qu’un serveur de courriel refuse',
    positionals: ['réunion'],
    async run({ positionals, api, out }) {
      const meeting = await api.json<MeetingSummary & { invitations: MeetingInvitee[] }>(
        'GET',
        `/api/meetings/${encodeURIComponent(positionals[0]!)}`,
      );
      out.result(meeting, (m) => `${describeMeeting(m)}\n${describeInvitees(m.invitations)}`);
    },
  },
  'meeting reschedule': {
    usage:
      'meeting reschedule <réunion> --start "…" --end "…" [--location …] [--visio <url>] [--reason <motif>] ' +
      '[--force <motif>]',
    summary:
      'reporte la réunion : chaque membre reçoit la mise à jour et les réponses repassent en attente ; ' +
      'mêmes règles de date que la convocation (--force avec le motif pour y déroger)',
    options: { start: { type: 'string' }, end: { type: 'string' }, reason: { type: 'string' }, ...placeOptions },
    required: ['start', 'end'],
    positionals: ['réunion'],
    async run({ values, positionals, api, out }) {
      const reason = text(values, 'reason');
      const state = await api.json<MeetingSummary>('POST', meetingStep(positionals[0]!, 'reschedule'), {
        json: { ...timesOf(values), ...(reason ? { reason } : {}) },
      });
      out.result(state, () => `Réunion ${positionals[0]} reportée au ${frenchInstant(timesOf(values).startsAt)}.`);
    },
  },
  'meeting cancel': {
    usage: 'meeting cancel <réunion> --reason <motif>',
    summary: 'annule la réunion (METHOD:CANCEL à chaque membre) ; ses fiches vont à la suivante',
    options: { reason: { type: 'string' } },
    required: ['reason'],
    positionals: ['réunion'],
    async run({ values, positionals, api, out }) {
      const state = await api.json<MeetingSummary>('POST', meetingStep(positionals[0]!, 'cancel'), {
        json: { reason: text(values, 'reason') },
      });
      out.result(state, () => `Réunion ${positionals[0]} annulée.`);
    },
  },
  'meeting attendance': {
    usage: 'meeting attendance <réunion> [--present <e-mail>]… [--excused <e-mail>]… [--proxy <de>:<à>]…',
    summary: 'enregistre les présents, les excusés et les pouvoirs ; dit si le quorum est atteint',
    options: {
      present: { type: 'string', multiple: true },
      excused: { type: 'string', multiple: true },
      proxy: { type: 'string', multiple: true },
    },
    positionals: ['réunion'],
    async run({ values, positionals, api, out }) {
      const proxies = list(values, 'proxy').map((pair) => {
        const [from, to, extra] = pair.split(':');
        if (!from || !to || extra !== undefined)
          throw usageError(`--proxy « ${pair} » : écrivez absent@exemple.org:present@exemple.org.`);
        return { from, to };
      });
      const state = await api.json<MeetingSummary>('POST', meetingStep(positionals[0]!, 'attendance'), {
        json: { present: list(values, 'present'), excused: list(values, 'excused'), proxies },
      });
      out.result(
        state,
        (s) =>
          `Présences enregistrées.${
            typeof s.quorumReached === 'boolean' ? ` Quorum ${s.quorumReached ? 'atteint' : 'non atteint'}.` : ''
          }`,
      );
    },
  },
};

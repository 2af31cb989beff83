import { HALF_DAYS, POLL_ANSWERS } from '../domain/poll-rules.js';
import { formatFrenchDate, parseDateKey } from '../domain/paris-time.js';
import { CliError, usageError } from './cli-error.js';
import { list, text, type Command } from './command.js';
import { EXIT, exitCodeForStatus } from './exit-codes.js';
import type { ApiClient } from './http-client.js';
import { instantArg } from './instant.js';
import { fields, frenchInstant } from './output.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SLOT = /^(\d{4}-\d{2}-\d{2})\/(\d{2}:\d{2})-(\d{2}:\d{2})$/;

/**
 * A proposed date as typed: « 2027-09-14 » a whole day, « 2027-09-16/matin » or « /apres_midi » a
 * half day, « 2027-09-17/10:00-12:00 » a slot; « @12 » at the end gives it 12 places.
 */
export function parseProposedDate(value: string): Record<string, unknown> {
  const [spec = '', places] = value.split('@');
  const capacity = places === undefined ? {} : { capacity: Number(places) };
  if (places !== undefined && !/^\d+$/.test(places))
    throw usageError(`--date « ${value} » : le nombre de places après @ est un entier.`);
  if (DAY.test(spec)) return { kind: 'journee', date: spec, ...capacity };
  const [date = '', half] = spec.split('/');
  if (DAY.test(date) && (HALF_DAYS as readonly string[]).includes(half ?? ''))
    return { kind: 'demi_journee', date, half, ...capacity };
  const slot = SLOT.exec(spec);
  if (slot) return { kind: 'creneau', date: slot[1], start: slot[2], end: slot[3], ...capacity };
  throw usageError(
    `--date « ${value} » n’est pas une date proposée.`,
    'Écrivez 2027-09-14 (journée), 2027-09-16/matin ou /apres_midi (demi-journée), ' +
      '2027-09-17/10:00-12:00 (créneau), suivi de @12 pour 12 places.',
  );
}

interface PollOptionView {
  id: string;
  label: string;
  capacity: number | null;
  oui: number;
  siNecessaire: number;
  non: number;
  volunteers: string[];
}

interface PollView {
  pollId: string;
  title: string;
  status: string;
  deadline: string | null;
  options: PollOptionView[];
  participants: number;
  answered: number;
  chosenOptionId: string | null;
  meetingId: string | null;
}

function describePoll(poll: PollView): string {
  const chosen = poll.options.find((o) => o.id === poll.chosenOptionId);
  const head = fields([
    ['Sondage', `${poll.title} (${poll.pollId})`],
    ['État', poll.status],
    ['Date limite', frenchInstant(poll.deadline)],
    ['Réponses', `${poll.answered} sur ${poll.participants}`],
    ['Date retenue', chosen?.label],
    ['Réunion', poll.meetingId],
  ]);
  const dates = poll.options.map(
    (o) =>
      `  ${o.label} : ${o.oui} oui, ${o.siNecessaire} si nécessaire, ${o.non} non${
        o.capacity ? `, ${o.volunteers.length}/${o.capacity} inscrits` : ''
      }  [${o.id}]`,
  );
  return `${head}\n${dates.join('\n')}`;
}

/** The signed token of a vote link (the whole address, or the token alone). */
function voteToken(link: string): string {
  const match = /\/vote\/([^/?#\s]+)/.exec(link);
  return decodeURIComponent(match ? match[1]! : link.trim());
}

/** The poll a vote token names: its payload is readable (infra/links/signed-links.ts), only its signature is secret. */
function pollIdOf(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      subject?: unknown;
      purpose?: unknown;
    };
    if (payload.purpose === 'vote' && typeof payload.subject === 'string') return payload.subject;
  } catch {
    // Reported below as any text that is not a vote link.
  }
  throw usageError('ce texte n’est pas un lien de vote : copiez le lien « /vote/… » reçu par courriel, en entier.');
}

/** A proposed date as the voting page shows it: its id and its French label. */
interface PageOption {
  id: string;
  label: string;
}

/** The part of a label a `/matin`, `/apres_midi` or `/14:00` after the day points at. */
const PART_IN_LABEL: Record<string, (label: string) => boolean> = {
  matin: (label) => label.endsWith(', matin'),
  apres_midi: (label) => label.endsWith(', après-midi'),
};

/**
 * The option a `--date` names: its id, or its day (« 2027-09-16 »), with « /matin », « /apres_midi »
 * or « /14:00 » when the poll proposes several on that day. Labels read « mardi 14 septembre 2027
 * (journée) », « …, matin », « …, de 14 h 00 à 16 h 00 » (domain/poll-rules.ts optionLabel).
 */
function optionFor(value: string, options: PageOption[]): PageOption {
  const byId = options.find((o) => o.id === value);
  if (byId) return byId;
  const [day = '', part] = value.split('/');
  const sameDay = DAY.test(day) ? options.filter((o) => o.label.startsWith(formatFrenchDate(parseDateKey(day)))) : [];
  const inPart =
    part === undefined
      ? () => true
      : (PART_IN_LABEL[part] ?? ((label: string) => label.includes(`de ${part.replace(':', ' h ')}`)));
  const matching = sameDay.filter((o) => inPart(o.label));
  if (matching.length === 1) return matching[0]!;
  const known = options.map((o) => `${o.label} [${o.id}]`).join(' ; ');
  throw usageError(
    matching.length === 0
      ? `--date « ${value} » : ce sondage ne propose pas cette date.`
      : `--date « ${value} » : ce jour a plusieurs dates proposées.`,
    `Dates du sondage : ${known}. Précisez /matin, /apres_midi ou /HH:MM, ou donnez l’identifiant entre crochets.`,
  );
}

/** Text of the page's HTML, its entities decoded. */
function pageText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(
      /&(lt|gt|quot|#39|amp);/g,
      (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? '',
    )
    .trim();
}

/** The voting page's dates (one fieldset each, server/pages/vote-pages.ts) and title. */
function readVotePage(html: string): { title: string; options: PageOption[] } {
  const options = [
    ...html.matchAll(
      /<fieldset><legend>([^<]*)<\/legend><div class="choices"><label><input type="radio" name="answer-([^"]+)"/g,
    ),
  ].map((m) => ({
    label: pageText(m[1]!),
    id: pageText(m[2]!),
  }));
  return { title: pageText(/<h1>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? ''), options };
}

/** Why a voting page refused, or what it says instead of its form (a closed poll), in its words. */
function pageMessage(html: string): string | undefined {
  const found =
    /<p class="note(?: refused)?" role="(?:alert|status)">([\s\S]*?)<\/p>/.exec(html)?.[1] ??
    /<p class="note refused">([\s\S]*?)<\/p>/.exec(html)?.[1];
  return found === undefined ? undefined : pageText(found);
}

async function readPoll(api: ApiClient, pollId: string): Promise<PollView> {
  return api.json<PollView>('GET', `/api/polls/${encodeURIComponent(pollId)}`);
}

/** A refusal of the voting page, in its words, with the exit code of its status. */
function pageRefusal(status: number, html: string): CliError {
  return new CliError(
    pageMessage(html) ?? `la page de vote a répondu ${status}.`,
    exitCodeForStatus(status),
    'Vérifiez les dates et les réponses, ou demandez un nouveau lien à l’organisateur.',
  );
}

/** The date polls' verbs. */
export const pollCommands: Record<string, Command> = {
  'poll create': {
    usage:
      'poll create --instance <instance> --title <titre> --deadline "2027-09-03 12:00" --date ' +
      '<date>… [--participant <e-mail>]… [--outsider <e-mail>]… [--location …] [--description …] ' +
      '[--convention <slug>]',
    summary:
      'propose des dates (2027-09-14, 2027-09-16/matin, 2027-09-17/10:00-12:00, ' +
      '@12 pour 12 places) et invite les participants à voter',
    options: {
      instance: { type: 'string' },
      title: { type: 'string' },
      deadline: { type: 'string' },
      date: { type: 'string', multiple: true },
      participant: { type: 'string', multiple: true },
      // An address outside the convention, invited on purpose (the API refuses one not confirmed so).
      outsider: { type: 'string', multiple: true },
      location: { type: 'string' },
      description: { type: 'string' },
      convention: { type: 'string' },
    },
    required: ['instance', 'title', 'deadline', 'date'],
    async run({ values, api, out }) {
      const optional = Object.fromEntries(
        ['location', 'description', 'convention'].flatMap((k) => (text(values, k) ? [[k, text(values, k)]] : [])),
      );
      const participants = list(values, 'participant');
      const outsiders = list(values, 'outsider');
      const started = await api.json<{ pollId: string; warnings: Array<{ message: string }> }>('POST', '/api/polls', {
        json: {
          instance: text(values, 'instance'),
          title: text(values, 'title'),
          deadline: instantArg(text(values, 'deadline')!, 'deadline'),
          options: list(values, 'date').map(parseProposedDate),
          ...(participants.length ? { participants } : {}),
          ...(outsiders.length ? { outsiders } : {}),
          ...optional,
        },
      });
      out.result(started, (s) =>
        [`Sondage ouvert : ${s.pollId}.`, ...s.warnings.map((w) => `Attention : ${w.message}`)].join('\n'),
      );
    },
  },
  'poll show': {
    usage: 'poll show <sondage>',
    summary: 'montre les réponses par date, les inscrits et la date retenue',
    positionals: ['sondage'],
    async run({ positionals, api, out }) {
      out.result(await readPoll(api, positionals[0]!), describePoll);
    },
  },
  'poll vote': {
    usage:
      `poll vote <lien-de-vote> --date <date> --answer ` +
      `<${POLL_ANSWERS.join('|')}> [--date … --answer …]… [--signup <date>]…`,
    summary:
      'répond au sondage avec le lien reçu par courriel, sans compte, comme ' +
      'la page de vote : une --answer par --date proposée, dans l’ordre',
    options: {
      date: { type: 'string', multiple: true },
      answer: { type: 'string', multiple: true },
      signup: { type: 'string', multiple: true },
    },
    required: ['date', 'answer'],
    positionals: ['lien-de-vote'],
    async run({ values, positionals, api, out }) {
      const dates = list(values, 'date');
      const answers = list(values, 'answer');
      if (dates.length !== answers.length)
        throw usageError(
          `poll vote : ${dates.length} --date pour ${answers.length} --answer : donnez une réponse par date.`,
        );
      const wrong = answers.find((a) => !(POLL_ANSWERS as readonly string[]).includes(a));
      if (wrong)
        throw usageError(`poll vote : « ${wrong} » n’est pas une réponse.`, `Réponses : ${POLL_ANSWERS.join(', ')}.`);
      const token = voteToken(positionals[0]!);
      const pollId = pollIdOf(token);
      const route = `/vote/${encodeURIComponent(token)}`;
      // The voting page itself gives the dates: the link is all a participant needs, no account.
      const opened = await api.raw('GET', route, undefined, 'text/html');
      const html = await opened.text();
      if (!opened.ok) throw pageRefusal(opened.status, html);
      const page = readVotePage(html);
      if (page.options.length === 0)
        throw new CliError(pageMessage(html) ?? 'ce sondage ne prend plus de réponses.', EXIT.refused);
      const form = new URLSearchParams();
      const ballot: Record<string, string> = {};
      dates.forEach((date, i) => {
        const option = optionFor(date, page.options);
        ballot[option.id] = answers[i]!;
        form.append(`answer-${option.id}`, answers[i]!);
      });
      const signUps = list(values, 'signup').map((date) => optionFor(date, page.options).id);
      for (const id of signUps) form.append('signup', id);
      const response = await api.raw(
        'POST',
        route,
        { text: form.toString(), contentType: 'application/x-www-form-urlencoded' },
        'text/html',
      );
      // Read to its end either way: an unread body keeps the socket, and the process, alive.
      const answered = await response.text();
      if (!response.ok) throw pageRefusal(response.status, answered);
      const labels = Object.entries(ballot).map(
        ([id, answer]) => `  ${page.options.find((o) => o.id === id)?.label} : ${answer.replace('_', ' ')}`,
      );
      out.result({ pollId, answers: ballot, signUps }, () =>
        [`Réponse enregistrée au sondage « ${page.title} ».`, ...labels].join('\n'),
      );
    },
  },
  'poll close': {
    usage: 'poll close <sondage>',
    summary: 'clôt le sondage avant sa date limite : la date est choisie et la réunion convoquée',
    positionals: ['sondage'],
    async run({ positionals, api, out }) {
      await api.json<unknown>('POST', `/api/polls/${encodeURIComponent(positionals[0]!)}/close`, { json: {} });
      out.result(await readPoll(api, positionals[0]!), (poll) => `Sondage clos.\n${describePoll(poll)}`);
    },
  },
};

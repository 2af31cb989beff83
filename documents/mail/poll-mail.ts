/**
 * The French mails of a date poll: the invitation to answer, the reminders to those who have not,
 * the organiser's call to break a tie, and the result to everyone. Pure: no I/O, no clock.
 */
import { CHOICE_REASON_LABELS, type ChoiceReason, type OptionTally } from '../../domain/poll-rules.js';
import { formatFrench } from '../../domain/paris-time.js';
import { paragraph, renderHtml, renderText, type Block } from './mail-blocks.js';

export type PollMailKind = 'invitation' | 'reminder' | 'tie' | 'tie_reminder' | 'result';

export interface PollMailInput {
  kind: PollMailKind;
  poll: {
    title: string;
    description?: string;
    instanceName: string;
    location?: string;
    deadline: Date;
    /** IANA zone dates are written in. */
    zone: string;
  };
  /** The proposed dates in the poll's order, with their counts for the tie and the result. */
  options: Array<{ id: string; label: string; capacity: number | null; tally?: OptionTally }>;
  recipient: { name: string; email: string };
  /** The recipient's signed link: to answer (participants) or to choose (the organiser in a tie). */
  link?: string;
  /** Reminders: days before the deadline's day. */
  daysBefore?: number;
  /** A tie: the dates to choose among. */
  tied?: string[];
  /** The result: the date chosen, by which rule (null: by the organiser) and by whom. */
  chosen?: { optionId: string; reason: ChoiceReason | null; chosenBy: string };
}

export interface ComposedPollMail {
  subject: string;
  text: string;
  html: string;
}

const SIGNATURE = 'Concerto, pour la Convention Territoriale Globale';

const counts = (tally: OptionTally | undefined) =>
  tally
    ? `${tally.oui} oui, ${tally.siNecessaire} si nécessaire, ${tally.non} non${
        tally.volunteers > 0 ? `, ${tally.volunteers} inscrit(s)` : ''
      }`
    : '';

const places = (capacity: number | null) =>
  capacity === null ? undefined : `${capacity} place${capacity > 1 ? 's' : ''} : inscrivez-vous si vous venez`;

function optionList(heading: string, options: PollMailInput['options'], withCounts: boolean): Block {
  return {
    type: 'list',
    heading,
    ordered: false,
    items: options.map((o) => {
      const detail = withCounts ? counts(o.tally) : places(o.capacity);
      return { text: o.label, ...(detail ? { detail } : {}) };
    }),
  };
}

function facts(input: PollMailInput, withDeadline: boolean): Block {
  const rows = [{ label: 'Instance', value: input.poll.instanceName }];
  if (input.poll.location) rows.push({ label: 'Lieu', value: input.poll.location });
  if (withDeadline)
    rows.push({
      label: 'Répondre avant le',
      value: formatFrench(input.poll.deadline, input.poll.zone, { withTime: true }),
    });
  return { type: 'facts', rows };
}

function linkBlock(input: PollMailInput, heading: string, label: string): Block[] {
  return input.link ? [{ type: 'links', heading, links: [{ label, href: input.link }] }] : [];
}

const inDays = (days: number | undefined) => (days === undefined ? '' : days === 1 ? ' demain' : ` dans ${days} jours`);

interface KindTemplate {
  subject: (input: PollMailInput) => string;
  body: (input: PollMailInput) => Block[];
}

const KINDS: Record<PollMailKind, KindTemplate> = {
  invitation: {
    subject: ({ poll }) =>
      `Sondage de date : ${poll.title} — répondre avant le ` +
      `${formatFrench(poll.deadline, poll.zone, { withWeekday: false })}`,
    body: (input) => [
      paragraph(
        `Pour « ${input.poll.title} », plusieurs dates sont proposées : merci ` +
          `d’indiquer pour chacune si elle vous convient (oui, si nécessaire, non).`,
      ),
      ...(input.poll.description ? [paragraph(input.poll.description)] : []),
      facts(input, true),
      optionList('Dates proposées', input.options, false),
      ...linkBlock(input, 'Pour répondre, sans compte ni mot de passe :', 'Répondre au sondage'),
      paragraph('Ce lien vous est personnel : il vous permet aussi de modifier vos réponses jusqu’à la date limite.'),
    ],
  },
  reminder: {
    subject: ({ poll, daysBefore }) =>
      `Rappel${daysBefore === undefined ? '' : ` (J-${daysBefore})`} — sondage de date : ${poll.title}`,
    body: (input) => [
      paragraph(
        `Vous n’avez pas encore répondu au sondage « ${input.poll.title} » : il se clôt${inDays(input.daysBefore)}, ` +
          `le ${formatFrench(input.poll.deadline, input.poll.zone, { withTime: true })}.`,
      ),
      facts(input, false),
      optionList('Dates proposées', input.options, false),
      ...linkBlock(input, 'Pour répondre :', 'Répondre au sondage'),
    ],
  },
  tie: {
    subject: ({ poll }) => `Sondage à départager : ${poll.title}`,
    body: (input) => [
      paragraph(
        `Le sondage « ${input.poll.title} » est clos et plusieurs dates ` +
          `arrivent à égalité : c’est à vous, qui l’organisez, de choisir.`,
      ),
      optionList(
        'Dates à égalité',
        input.options.filter((o) => input.tied?.includes(o.id)),
        true,
      ),
      ...linkBlock(input, 'Pour choisir la date :', 'Choisir la date'),
      paragraph('Dès votre choix, la réunion est créée, la convocation part et chaque participant est informé.'),
    ],
  },
  tie_reminder: {
    subject: ({ poll }) => `Rappel — sondage à départager : ${poll.title}`,
    body: (input) => [
      paragraph(
        `Les participants au sondage « ${input.poll.title} » attendent la date ` +
          `retenue : plusieurs dates sont à égalité et vous seul(e) pouvez choisir.`,
      ),
      optionList(
        'Dates à égalité',
        input.options.filter((o) => input.tied?.includes(o.id)),
        true,
      ),
      ...linkBlock(input, 'Pour choisir la date :', 'Choisir la date'),
    ],
  },
  result: {
    subject: ({ poll, options, chosen }) =>
      `Date retenue : ${poll.title} — ${options.find((o) => o.id === chosen?.optionId)?.label ?? ''}`,
    body: (input) => {
      const chosen = input.options.find((o) => o.id === input.chosen?.optionId);
      const how = input.chosen?.reason
        ? `C’est ${CHOICE_REASON_LABELS[input.chosen.reason]}.`
        : `Plusieurs dates étaient à égalité : ${input.chosen?.chosenBy ?? 'l’organisateur'} a choisi celle-ci.`;
      return [
        paragraph(`Le sondage « ${input.poll.title} » est clos. Date retenue : ${chosen?.label ?? ''}.`),
        paragraph(how),
        facts(input, false),
        optionList('Réponses', input.options, true),
        paragraph('La convocation suit, avec l’invitation à ajouter à votre agenda.'),
      ];
    },
  },
};

/** The subject, plain text and HTML of one poll mail to one recipient. */
export function composePollMail(input: PollMailInput): ComposedPollMail {
  const template = KINDS[input.kind];
  if (!template)
    throw new RangeError(`kind must be one of ${Object.keys(KINDS).join(', ')}, got "${String(input.kind)}"`);
  const subject = template.subject(input);
  const blocks: Block[] = [
    paragraph(input.recipient.name.trim() ? `Bonjour ${input.recipient.name.trim()},` : 'Bonjour,'),
    ...template.body(input),
    paragraph('Bien cordialement,'),
    paragraph(SIGNATURE),
  ];
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}

/**
 * The French mails of a meeting's life: convocation, update, cancellation, reminders, the relevé
 * de décisions, the compte rendu (attached) and the reminder to file it. Pure: no I/O, no clock, so the same
 * input always gives the same mail (and a workflow may call it).
 *
 * Every kind is one row of {@link KINDS}; a mail is a list of blocks rendered twice, as plain text
 * and as HTML, so both parts always carry the same information (agenda, place, links).
 */
import { formatFrench } from '../../domain/paris-time.js';
import { isWebLink, paragraph, renderHtml, renderText, type Block } from './mail-blocks.js';
import { frenchMeetingTimes } from '../../domain/french-times.js';
import { MISSING_MINUTES, MISSING_PUBLICATION } from '../../domain/open-decisions.js';

export { escapeHtml } from './mail-blocks.js';

export type MeetingMailKind =
  | 'convocation'
  | 'suppleant'
  | 'proxy_offer'
  | 'update'
  | 'cancel'
  | 'reminder'
  | 'decisions'
  | 'minutes'
  | 'minutes_reminder'
  | 'counter_declined';

/** The iTIP method of the calendar a meeting mail carries. */
export type MeetingMailMethod = 'REQUEST' | 'CANCEL' | 'DECLINECOUNTER';

/** A file attached as is (e.g. the agenda as PDF). */
export interface MeetingMailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** What every mail and the agenda PDF say of a meeting. */
export interface MeetingFacts {
  title: string;
  /** e.g. « Comité technique (COTECH) ». */
  instanceName: string;
  startsAt: Date;
  endsAt: Date;
  /** IANA zone the meeting is held in; dates are written in it. */
  zone: string;
  location?: string;
  visioUrl?: string;
}

export interface MeetingMailInput {
  kind: MeetingMailKind;
  meeting: MeetingFacts & {
    /** SEQUENCE of the invitation this mail goes with (0 for the first one). */
    sequence: number;
    cancelReason?: string;
    /** The times before a reschedule: the update mail says old → new. */
    previous?: { startsAt: Date; endsAt: Date };
    /** For reminders: how many days before the meeting this one goes out. */
    daysBefore?: number;
  };
  recipient: { name: string; email: string };
  agenda: Array<{ position: number; title: string }>;
  rsvpLinks?: { accept: string; tentative: string; decline: string };
  decisions?: Array<{ item: string; outcome: string; comment?: string }>;
  /** The decisions mail may give the compte rendu's reference (or URL); the minutes reminder lists what is missing. */
  minutes?: { ref?: string; missing?: string[] };
  /** The other time a member proposed, which a counter_declined mail turns down. */
  counter?: { startsAt: Date; endsAt: Date };
  /** The invitation: its METHOD must suit the kind (REQUEST, CANCEL for a cancellation, DECLINECOUNTER). */
  ics?: { method: MeetingMailMethod; content: string };
  attachments?: MeetingMailAttachment[];
  /**
   * A titulaire's seat: the suppléant's convocation names the titulaire they stand in for; the
   * titulaire's answer to their decline names the suppléant convened, if any, and offers `proxyLink`.
   */
  seat?: { titulaire: string; suppleant: string | null; proxyLink?: string };
  /** The relevé's count of the séance: « 9 présents dont 2 suppléants, 2 pouvoirs — quorum atteint… ». */
  attendance?: string;
}

/** What to hand to nodemailer: `icalEvent` becomes the text/calendar alternative. */
export interface ComposedMeetingMail {
  subject: string;
  text: string;
  html: string;
  icalEvent?: { method: MeetingMailMethod; content: string; filename: string };
  attachments?: MeetingMailAttachment[];
}

type Section =
  | 'intro'
  | 'instance'
  | 'reason'
  | 'details'
  | 'agenda'
  | 'attendance'
  | 'decisions'
  | 'minutes'
  | 'rsvp'
  | 'proxy'
  | 'calendar'
  | 'attachments';

interface KindTemplate {
  /** Before « : <title> — <date> » in the subject. */
  label: (input: MeetingMailInput) => string;
  /** Mails before the meeting give its time in the subject; those after it, the day only. */
  subjectWithTime: boolean;
  /** The METHOD its invitation must have, or null when this kind never carries one. */
  icsMethod: MeetingMailMethod | null;
  icsFilename: string;
  intro: (input: MeetingMailInput, ref: string) => string;
  /** Said when an invitation is attached. */
  calendarNote: string;
  rsvpHeading: string;
  sections: readonly Section[];
}

const SIGNATURE = 'Concerto, pour la Convention Territoriale Globale';
const RSVP_LABELS = {
  accept: 'Je participerai',
  tentative: 'Je ne sais pas encore',
  decline: 'Je ne participerai pas',
} as const;
const BEFORE_MEETING: readonly Section[] = ['intro', 'details', 'agenda', 'rsvp', 'calendar', 'attachments'];

const KINDS: Record<MeetingMailKind, KindTemplate> = {
  convocation: {
    label: () => 'Convocation',
    subjectWithTime: true,
    icsMethod: 'REQUEST',
    icsFilename: 'convocation.ics',
    intro: (_input, ref) =>
      `Vous êtes convié(e) à la réunion ${ref}. Vous trouverez ` +
      `ci-dessous les informations pratiques et l’ordre du jour.`,
    calendarNote: 'L’invitation jointe ajoute la réunion à votre agenda.',
    rsvpHeading: 'Merci de nous indiquer votre présence :',
    sections: BEFORE_MEETING,
  },
  suppleant: {
    label: () => 'Convocation (suppléance)',
    subjectWithTime: true,
    icsMethod: 'REQUEST',
    icsFilename: 'convocation.ics',
    intro: ({ seat }, ref) =>
      `${seat?.titulaire ?? 'Le ou la titulaire'} ne pourra pas siéger à la réunion ${ref} : vous êtes ` +
      `convié(e) à y siéger à sa place, en tant que suppléant(e). Vous trouverez ci-dessous les informations ` +
      `pratiques et l’ordre du jour.`,
    calendarNote: 'L’invitation jointe ajoute la réunion à votre agenda.',
    rsvpHeading: 'Merci de nous indiquer votre présence :',
    sections: BEFORE_MEETING,
  },
  proxy_offer: {
    label: () => 'Votre absence',
    subjectWithTime: true,
    icsMethod: null,
    icsFilename: '',
    intro: ({ seat }, ref) =>
      `Vous avez indiqué ne pas pouvoir participer à la réunion ${ref}. ` +
      (seat?.suppleant
        ? `Votre suppléant(e), ${seat.suppleant}, est convié(e) à siéger à votre place.`
        : 'Aucun suppléant ne siège à votre place.'),
    calendarNote: '',
    rsvpHeading: '',
    sections: ['intro', 'details', 'proxy'],
  },
  update: {
    label: () => 'Modification',
    subjectWithTime: true,
    icsMethod: 'REQUEST',
    icsFilename: 'modification.ics',
    intro: (input, ref) =>
      rescheduled(input)
        ? `La réunion ${ref} est déplacée : merci de noter la nouvelle date ci-dessous.`
        : `La réunion ${ref} a été modifiée : les informations ` +
          `ci-dessous remplacent celles de la précédente invitation.`,
    calendarNote: 'L’invitation jointe met à jour la réunion dans votre agenda.',
    rsvpHeading: 'Merci de nous confirmer votre présence :',
    sections: BEFORE_MEETING,
  },
  cancel: {
    label: () => 'Annulée',
    subjectWithTime: true,
    icsMethod: 'CANCEL',
    icsFilename: 'annulation.ics',
    intro: (input, ref) =>
      `La réunion ${ref} prévue le ` +
      `${formatFrench(input.meeting.startsAt, input.meeting.zone, { withTime: true })} est annulée.`,
    calendarNote: 'L’annulation jointe retire la réunion de votre agenda.',
    rsvpHeading: '',
    sections: ['intro', 'instance', 'reason', 'calendar', 'attachments'],
  },
  reminder: {
    label: ({ meeting }) => (meeting.daysBefore === undefined ? 'Rappel' : `Rappel (J-${meeting.daysBefore})`),
    subjectWithTime: true,
    icsMethod: 'REQUEST',
    icsFilename: 'invitation.ics',
    intro: ({ meeting }, ref) =>
      `Pour rappel, la réunion ${ref} a lieu ${inDays(meeting.daysBefore)}le ` +
      `${formatFrench(meeting.startsAt, meeting.zone, { withTime: true })}.`,
    calendarNote: 'L’invitation jointe ajoute la réunion à votre agenda.',
    rsvpHeading: 'Si ce n’est pas encore fait, merci de nous indiquer votre présence :',
    sections: BEFORE_MEETING,
  },
  decisions: {
    label: () => 'Relevé de décisions',
    subjectWithTime: false,
    icsMethod: null,
    icsFilename: '',
    intro: ({ meeting }, ref) =>
      `Voici le relevé des décisions de la réunion ${ref} du ${formatFrench(meeting.startsAt, meeting.zone)}.`,
    calendarNote: '',
    rsvpHeading: '',
    sections: ['intro', 'instance', 'attendance', 'decisions', 'minutes', 'attachments'],
  },
  minutes: {
    label: () => 'Compte rendu',
    subjectWithTime: false,
    icsMethod: null,
    icsFilename: '',
    intro: ({ meeting, minutes }, ref) =>
      `Voici le compte rendu de la réunion ${ref} du ${formatFrench(meeting.startsAt, meeting.zone)}` +
      (minutes?.ref ? ' : où le trouver est indiqué ci-dessous.' : ', en pièce jointe.'),
    calendarNote: '',
    rsvpHeading: '',
    sections: ['intro', 'instance', 'minutes', 'attachments'],
  },
  minutes_reminder: {
    label: ({ minutes }) => (onlyPublicationMissing(minutes) ? 'Relevé à publier' : 'Compte rendu à déposer'),
    subjectWithTime: false,
    icsMethod: null,
    icsFilename: '',
    intro: ({ meeting, minutes }, ref) =>
      onlyPublicationMissing(minutes)
        ? `Le relevé de décisions de la réunion ${ref} du ${formatFrench(meeting.startsAt, meeting.zone)} ` +
          `n’est pas encore publié sur la page publique de la convention. Merci de le publier depuis la page ` +
          `de la séance dans Concerto (« Publier le relevé »).`
        : `Le compte rendu de la réunion ${ref} du ${formatFrench(meeting.startsAt, meeting.zone)} ` +
          `n’a pas encore été déposé. Merci de le déposer dans Concerto dès que possible.`,
    calendarNote: '',
    rsvpHeading: '',
    sections: ['intro', 'instance', 'minutes', 'attachments'],
  },
  counter_declined: {
    label: () => 'Proposition non retenue',
    subjectWithTime: true,
    icsMethod: 'DECLINECOUNTER',
    icsFilename: 'proposition-refusee.ics',
    intro: ({ meeting, counter }, ref) =>
      `Vous avez proposé de tenir la réunion ${ref} ` +
      `${counter ? frenchMeetingTimes(counter.startsAt, counter.endsAt, meeting.zone) : 'à une autre date'}. ` +
      'Cette proposition n’a pas été retenue : la réunion reste prévue comme indiqué ci-dessous.',
    calendarNote: 'Le fichier joint l’indique aussi à votre agenda.',
    rsvpHeading: '',
    sections: ['intro', 'details', 'reason', 'calendar'],
  },
};

/** The blocks each section adds, from the input; none when it has nothing to say. */
const SECTIONS: Record<Section, (input: MeetingMailInput, template: KindTemplate) => Block[]> = {
  intro: (input, template) => [paragraph(template.intro(input, `« ${input.meeting.title} »`))],
  instance: ({ meeting }) => [{ type: 'facts', rows: [{ label: 'Instance', value: meeting.instanceName }] }],
  reason: ({ meeting }) => (meeting.cancelReason ? [paragraph(`Motif : ${meeting.cancelReason}`)] : []),
  details: (input) => {
    const { meeting } = input;
    const when = frenchMeetingTimes(meeting.startsAt, meeting.endsAt, meeting.zone);
    const rows: Array<{ label: string; value: string; link?: boolean }> = [
      { label: 'Instance', value: meeting.instanceName },
    ];
    if (rescheduled(input)) {
      rows.push(
        { label: 'Nouvelle date', value: when },
        {
          label: 'Ancienne date',
          value: frenchMeetingTimes(meeting.previous!.startsAt, meeting.previous!.endsAt, meeting.zone),
        },
      );
    } else rows.push({ label: 'Date', value: when });
    if (meeting.location) rows.push({ label: 'Lieu', value: meeting.location });
    if (meeting.visioUrl) rows.push({ label: 'Visioconférence', value: meeting.visioUrl, link: true });
    return [{ type: 'facts', rows }];
  },
  agenda: ({ agenda }) =>
    agenda.length === 0
      ? [paragraph('L’ordre du jour vous sera communiqué prochainement.')]
      : [
          {
            type: 'list',
            heading: 'Ordre du jour',
            ordered: true,
            items: [...agenda]
              .sort((a, b) => a.position - b.position)
              .map((item) => ({ position: item.position, text: item.title })),
          },
        ],
  decisions: ({ decisions = [] }) =>
    decisions.length === 0
      ? [paragraph('Aucune décision n’a été enregistrée lors de cette réunion.')]
      : [
          {
            type: 'list',
            heading: 'Décisions',
            ordered: false,
            items: decisions.map((d) => ({
              text: `${d.item} : ${d.outcome}`,
              ...(d.comment ? { detail: `Commentaire : ${d.comment}` } : {}),
            })),
          },
        ],
  minutes: ({ minutes }) => {
    const blocks: Block[] = [];
    if (minutes?.ref)
      blocks.push({
        type: 'facts',
        rows: [{ label: 'Compte rendu', value: minutes.ref, link: isWebLink(minutes.ref) }],
      });
    if (minutes?.missing?.length) {
      blocks.push({
        type: 'list',
        heading: 'Reste à faire',
        ordered: false,
        items: minutes.missing.map((text) => ({ text })),
      });
    }
    return blocks;
  },
  rsvp: ({ rsvpLinks }, template) =>
    rsvpLinks
      ? [
          {
            type: 'links',
            heading: template.rsvpHeading,
            links: (['accept', 'tentative', 'decline'] as const).map((answer) => ({
              label: RSVP_LABELS[answer],
              href: rsvpLinks[answer],
            })),
          },
        ]
      : [],
  proxy: ({ seat }) =>
    seat?.proxyLink
      ? [
          paragraph(
            'Vous pouvez aussi donner pouvoir à un autre membre convoqué, qui votera en votre nom, dans la ' +
              'limite fixée par les règles de l’instance :',
          ),
          { type: 'links', heading: '', links: [{ label: 'Donner pouvoir', href: seat.proxyLink }] },
        ]
      : [],
  attendance: ({ attendance }) =>
    attendance ? [{ type: 'facts', rows: [{ label: 'Présences', value: attendance }] }] : [],
  calendar: ({ ics }, template) => (ics ? [paragraph(template.calendarNote)] : []),
  attachments: ({ attachments = [] }) =>
    attachments.length === 0
      ? []
      : [
          {
            type: 'facts',
            rows: [
              {
                label: attachments.length > 1 ? 'Pièces jointes' : 'Pièce jointe',
                value: attachments.map((a) => a.filename).join(', '),
              },
            ],
          },
        ],
};

/**
 * The subject, plain text and HTML of one meeting mail to one recipient, with its invitation and
 * attachments passed through. Throws a RangeError naming the field when the input does not fit
 * the kind (an invitation with the wrong METHOD, an end before the start, an unknown zone).
 */
export function composeMeetingMail(input: MeetingMailInput): ComposedMeetingMail {
  const template = KINDS[input.kind];
  if (!template)
    throw new RangeError(`kind must be one of ${Object.keys(KINDS).join(', ')}, got "${String(input.kind)}"`);
  const { meeting } = input;
  const date = formatFrench(meeting.startsAt, meeting.zone, { withTime: template.subjectWithTime });
  const subject = `${template.label(input)} : ${meeting.title} — ${date}`;

  const blocks: Block[] = [
    paragraph(input.recipient.name.trim() ? `Bonjour ${input.recipient.name.trim()},` : 'Bonjour,'),
    ...template.sections.flatMap((section) => SECTIONS[section](input, template)),
    paragraph('Bien cordialement,'),
    paragraph(SIGNATURE),
  ];

  const mail: ComposedMeetingMail = { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
  if (input.ics) {
    if (template.icsMethod === null) throw new RangeError(`ics: a ${input.kind} mail carries no invitation`);
    if (input.ics.method !== template.icsMethod) {
      throw new RangeError(
        `ics.method must be ${template.icsMethod} for a ${input.kind} mail, got ${input.ics.method}`,
      );
    }
    mail.icalEvent = { method: input.ics.method, content: input.ics.content, filename: template.icsFilename };
  }
  if (input.attachments?.length) mail.attachments = input.attachments.map((a) => ({ ...a }));
  return mail;
}

function rescheduled({ meeting }: MeetingMailInput): boolean {
  const { previous } = meeting;
  return (
    previous !== undefined &&
    (previous.startsAt.getTime() !== meeting.startsAt.getTime() ||
      previous.endsAt.getTime() !== meeting.endsAt.getTime())
  );
}

function inDays(days: number | undefined): string {
  if (days === undefined) return '';
  if (days === 0) return 'aujourd’hui, ';
  if (days === 1) return 'demain, ';
  return `dans ${days} jours, `;
}

/** The compte rendu is filed and only the relevé's publication remains: the reminder is about that. */
function onlyPublicationMissing(minutes: MeetingMailInput['minutes']): boolean {
  const missing = minutes?.missing ?? [];
  return missing.includes(MISSING_PUBLICATION) && !missing.includes(MISSING_MINUTES);
}

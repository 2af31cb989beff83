import { meetingIcs } from '../documents/ics/meeting-ics.js';
import { decisionSummary } from '../domain/decision-summary.js';
import { proxyLink, rsvpLinks } from '../infra/links/signed-links.js';
import { countAttendance, recordedAttendance } from '../store/meetings/meeting-seats.js';
import { seatSummary } from '../domain/meeting-seats.js';
import { AGENDA_PDF_CONTENT_TYPE } from '../documents/pdf/agenda-pdf.js';
import { DOSSIER_PDF_FILENAME, renderDossierPdf } from '../documents/pdf/dossier-pdf.js';
import { agendaLine } from '../domain/agenda-times.js';
import {
  composeMeetingMail,
  type MeetingFacts,
  type MeetingMailKind,
  type MeetingMailMethod,
} from '../documents/mail/meeting-mail.js';
import { declineCounterIcs } from '../documents/ics/decline-counter-ics.js';
import type { MeetingStore } from '../store/meetings/meeting-store.js';
import { meetingEvent } from './meeting-event.js';
import {
  sendEachLine,
  sendWorkflowMail,
  type MailActivities,
  type NoticeResult,
  type NotificationResult,
} from './mail.js';

/** One mail of a meeting to one member; the meeting's facts are read when it is sent. */
export interface MeetingMailRequest {
  meetingId: string;
  workflowId: string;
  recipient: string;
  kind: MeetingMailKind;
  /** Tells this sending from the others of the meeting (e.g. `update-2`, `reminder-…-J7`). */
  occasion: string;
  /** The invitation's SEQUENCE at the time the mail was decided. */
  sequence: number;
  /** When the workflow decided it: the invitation's DTSTAMP, stable across retries. */
  issuedAt: string;
  previous?: { startsAt: string; endsAt: string };
  daysBefore?: number;
  missing?: string[];
  /** The member's proposal a counter_declined mail turns down, and the organiser's words. */
  counterId?: string;
  comment?: string;
  /** A declined titulaire's seat (addresses): for the suppléant's convocation and the titulaire's pouvoir offer. */
  seat?: { titulaire: string; suppleant: string | null };
}

/** One mail of a meeting to several of its members. */
export type MeetingMailingRequest = Omit<MeetingMailRequest, 'recipient'> & { recipients: readonly string[] };

export interface MeetingMailDependencies {
  meetings: MeetingStore;
  send: MailActivities['sendNotification'];
  /** The ORGANIZER address, where calendar clients send their iMIP replies. */
  organizerEmail: string;
  /** Base URL of the web pages, for the signed RSVP links. */
  publicUrl: string;
  linkSecret: string;
}

/** Calendar kinds: they carry the invitation (REQUEST), its cancellation (CANCEL), or a proposal declined. */
const CALENDAR_METHOD: Partial<Record<MeetingMailKind, MeetingMailMethod>> = {
  convocation: 'REQUEST',
  suppleant: 'REQUEST',
  update: 'REQUEST',
  cancel: 'CANCEL',
  counter_declined: 'DECLINECOUNTER',
};

/**
 * Mails of a meeting: convocation, update and cancellation with their iCalendar invitation and
 * signed RSVP links, reminders, relevé de décisions, reminders to file the compte rendu. Each is
 * sent once per (meeting, occasion, recipient) through the notification ledger.
 *
 * A reminder goes only to those who have not declined, as their invitation stands when it is
 * sent (an answer by link or by calendar is in the store before the workflow hears of it), and
 * carries their own answer links like the invitation.
 */
export function createMeetingMailActivities({
  meetings,
  send,
  organizerEmail,
  publicUrl,
  linkSecret,
}: MeetingMailDependencies) {
  /**
   * Reads the meeting's facts once for a sending, and gives back who gets it (a reminder skips those
   * who declined) and how to mail each of them.
   */
  async function prepare(request: Omit<MeetingMailRequest, 'recipient'>) {
    const meeting = await meetings.findForMail(request.meetingId);
    const invitationOf = (email: string) =>
      meeting.invitations.find((i) => i.person.email.toLowerCase() === email.toLowerCase());
    const agenda = meeting.agenda.map((item) => ({ position: item.position, title: agendaLine(item) }));
    const zone = meeting.convention.timezone;
    const facts: MeetingFacts = {
      title: meeting.title,
      instanceName: meeting.instance.name,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      zone,
      ...(meeting.location ? { location: meeting.location } : {}),
      ...(meeting.visioUrl ? { visioUrl: meeting.visioUrl } : {}),
    };
    const method = CALENDAR_METHOD[request.kind];
    const counter = request.counterId
      ? await meetings.findCounter({ meetingId: meeting.id, id: request.counterId })
      : null;
    // A DECLINECOUNTER names its one attendee: written per recipient below; the event is the same for all.
    const eventIcs =
      method && method !== 'DECLINECOUNTER'
        ? meetingIcs({
            method,
            ...meetingEvent(meeting, { sequence: request.sequence, issuedAt: request.issuedAt, organizerEmail }),
          })
        : undefined;
    // The compte rendu uploaded on the séance page travels attached; one filed by reference (API, CLI) is named.
    const minutesFile = request.kind === 'minutes' ? await meetings.findMinutesFile(meeting.id) : null;
    // The dossier de séance (the ordre du jour, then each fiche at its current version) travels as one PDF with the
    // invitations, so each update carries it again: the same for every member.
    const dossierPdf =
      method === 'REQUEST'
        ? await renderDossierPdf({
            ...facts,
            agenda: meeting.agenda,
            fiches: await meetings.findDossierFiches({ meetingId: meeting.id }),
            issuedAt: new Date(request.issuedAt),
          })
        : null;
    // The relevé says who sat, as the instance's rules count them.
    const attendance =
      request.kind === 'decisions' && meeting.invitations.some((i) => i.attendance !== null)
        ? seatSummary(
            countAttendance(
              await meetings.findSeats({ meetingId: meeting.id }),
              recordedAttendance(meeting.invitations),
            ),
          )
        : undefined;
    const declined = (email: string) => request.kind === 'reminder' && invitationOf(email)?.partstat === 'DECLINED';
    const nameOf = (email: string) => invitationOf(email)?.person.displayName ?? email;

    function mail(email: string) {
      const invitation = invitationOf(email);
      const recipient = { name: invitation?.person.displayName ?? email, email };
      const ics =
        method === 'DECLINECOUNTER'
          ? declineCounterIcs({
              uid: meeting.icalUid,
              sequence: request.sequence,
              dtstamp: new Date(request.issuedAt),
              organizer: { name: `Secrétariat — ${meeting.instance.name}`, email: organizerEmail },
              attendee: recipient,
              ...(request.comment ? { comment: request.comment } : {}),
            })
          : eventIcs;
      const seat = request.seat
        ? {
            titulaire: nameOf(request.seat.titulaire),
            suppleant: request.seat.suppleant ? nameOf(request.seat.suppleant) : null,
            ...(request.kind === 'proxy_offer'
              ? {
                  proxyLink: proxyLink({
                    publicUrl,
                    secret: linkSecret,
                    meetingId: meeting.id,
                    email: recipient.email,
                    expiresAt: meeting.startsAt,
                  }),
                }
              : {}),
          }
        : undefined;
      const composed = composeMeetingMail({
        kind: request.kind,
        meeting: {
          ...facts,
          sequence: request.sequence,
          ...(meeting.cancelReason ? { cancelReason: meeting.cancelReason } : {}),
          ...(request.previous
            ? { previous: { startsAt: new Date(request.previous.startsAt), endsAt: new Date(request.previous.endsAt) } }
            : {}),
          ...(request.daysBefore !== undefined ? { daysBefore: request.daysBefore } : {}),
          ...(request.comment ? { cancelReason: request.comment } : {}),
        },
        ...(counter ? { counter: { startsAt: counter.startsAt, endsAt: counter.endsAt } } : {}),
        recipient,
        agenda,
        // Answers are asked of invited members, until the meeting ends: with the invitation and its reminders.
        ...((method === 'REQUEST' || request.kind === 'reminder') && invitation
          ? {
              rsvpLinks: rsvpLinks({
                publicUrl,
                secret: linkSecret,
                meetingId: meeting.id,
                email: recipient.email,
                expiresAt: meeting.endsAt,
              }),
            }
          : {}),
        ...(request.kind === 'decisions'
          ? {
              decisions: decisionSummary(meeting.agenda, meeting.decisions),
              ...(meeting.minutesRef ? { minutes: { ref: meeting.minutesRef } } : {}),
            }
          : {}),
        ...(request.missing ? { minutes: { missing: request.missing } } : {}),
        ...(seat ? { seat } : {}),
        ...(attendance ? { attendance } : {}),
        ...(ics && method ? { ics: { method, content: ics } } : {}),
        ...(dossierPdf
          ? {
              attachments: [
                { filename: DOSSIER_PDF_FILENAME, contentType: AGENDA_PDF_CONTENT_TYPE, content: dossierPdf },
              ],
            }
          : {}),
        ...(minutesFile
          ? {
              attachments: [
                { filename: minutesFile.filename, contentType: 'application/pdf', content: minutesFile.content },
              ],
            }
          : {}),
        ...(request.kind === 'minutes' && !minutesFile && meeting.minutesRef
          ? { minutes: { ref: meeting.minutesRef } }
          : {}),
      });
      return sendWorkflowMail(
        send,
        { ...request, recipient: email },
        {
          subject: composed.subject,
          text: composed.text,
          html: composed.html,
          ...(composed.icalEvent
            ? { icalEvent: { ...composed.icalEvent, uid: meeting.icalUid, sequence: request.sequence } }
            : {}),
          ...(composed.attachments ? { attachments: composed.attachments } : {}),
        },
      );
    }
    return { declined, mail };
  }

  return {
    async sendMeetingMail(request: MeetingMailRequest): Promise<NotificationResult | { declined: true }> {
      const sending = await prepare(request);
      if (sending.declined(request.recipient)) return { declined: true };
      return sending.mail(request.recipient);
    },
    /**
     * One mail of the meeting to each of `recipients` in one activity, the meeting read once; each
     * recipient's line in the ledger as sendMeetingMail keys it (activities/mail.ts' sendEachLine).
     * A reminder's lines leave out those who declined.
     */
    async sendMeetingMails({ recipients, ...request }: MeetingMailingRequest): Promise<NoticeResult> {
      const sending = await prepare(request);
      return sendEachLine(
        recipients.filter((to) => !sending.declined(to)),
        (to) => sending.mail(to),
      );
    },
  };
}

export type MeetingMailActivities = ReturnType<typeof createMeetingMailActivities>;

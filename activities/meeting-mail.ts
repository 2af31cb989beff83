import { meetingIcs, type AttendeeRole } from '../documents/ics/meeting-ics.js';
import type { PartStat } from '../domain/meeting-rules.js';
import { decisionSummary } from '../domain/decision-summary.js';
import { rsvpLinks } from '../infra/links/signed-links.js';
import { AGENDA_PDF_CONTENT_TYPE, AGENDA_PDF_FILENAME, renderAgendaPdf } from '../documents/pdf/agenda-pdf.js';
import { composeMeetingMail, type MeetingFacts, type MeetingMailKind } from '../documents/mail/meeting-mail.js';
import type { MeetingStore } from '../store/meetings/meeting-store.js';
import { sendWorkflowMail, type MailActivities, type NotificationResult } from './mail.js';

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
}

export interface MeetingMailDependencies {
  meetings: MeetingStore;
  send: MailActivities['sendNotification'];
  /** The ORGANIZER address, where calendar clients send their iMIP replies. */
  organizerEmail: string;
  /** Base URL of the web pages, for the signed RSVP links. */
  publicUrl: string;
  linkSecret: string;
}

/** Calendar kinds: they carry the invitation (REQUEST) or its cancellation (CANCEL). */
const CALENDAR_METHOD: Partial<Record<MeetingMailKind, 'REQUEST' | 'CANCEL'>> = {
  convocation: 'REQUEST',
  update: 'REQUEST',
  cancel: 'CANCEL',
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
  return {
    async sendMeetingMail(request: MeetingMailRequest): Promise<NotificationResult | { declined: true }> {
      const meeting = await meetings.findForMail(request.meetingId);
      const invitation = meeting.invitations.find(
        (i) => i.person.email.toLowerCase() === request.recipient.toLowerCase(),
      );
      if (request.kind === 'reminder' && invitation?.partstat === 'DECLINED') return { declined: true };
      const recipient = { name: invitation?.person.displayName ?? request.recipient, email: request.recipient };
      const agenda = meeting.agenda.map((item) => ({ position: item.position, title: item.title }));
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
      const ics = method
        ? meetingIcs({
            method,
            uid: meeting.icalUid,
            sequence: request.sequence,
            dtstamp: new Date(request.issuedAt),
            ...facts,
            organizer: { name: `Secrétariat — ${meeting.instance.name}`, email: organizerEmail },
            attendees: meeting.invitations
              .map((i) => ({
                name: i.person.displayName,
                email: i.person.email,
                role: i.role as AttendeeRole,
                partstat: i.partstat as PartStat,
              }))
              .sort((a, b) => a.email.localeCompare(b.email)),
            agenda,
          })
        : undefined;
      // The compte rendu uploaded on the séance page travels attached; one filed by reference (API, CLI) is named.
      const minutesFile = request.kind === 'minutes' ? await meetings.findMinutesFile(meeting.id) : null;
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
        },
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
        ...(ics && method ? { ics: { method, content: ics } } : {}),
        // The ordre du jour travels as a PDF with the invitations that carry it; the compte rendu as uploaded.
        ...(method === 'REQUEST'
          ? {
              attachments: [
                {
                  filename: AGENDA_PDF_FILENAME,
                  contentType: AGENDA_PDF_CONTENT_TYPE,
                  content: await renderAgendaPdf({ ...facts, agenda, issuedAt: new Date(request.issuedAt) }),
                },
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
      return sendWorkflowMail(send, request, {
        subject: composed.subject,
        text: composed.text,
        html: composed.html,
        ...(composed.icalEvent
          ? { icalEvent: { ...composed.icalEvent, uid: meeting.icalUid, sequence: request.sequence } }
          : {}),
        ...(composed.attachments ? { attachments: composed.attachments } : {}),
      });
    },
  };
}

export type MeetingMailActivities = ReturnType<typeof createMeetingMailActivities>;

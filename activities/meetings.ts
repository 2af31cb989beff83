import { parseCharter, type InstanceKind } from '../domain/charter.js';
import { REVIEW_STAGES, type Stage } from '../domain/lifecycle/vocabulary.js';
import { convocationDelayFor, type Attendance, type MeetingStatus } from '../domain/meeting-rules.js';
import type { PrismaClient } from '../generated/prisma/client.js';

/** Stages at which a fiche may wait for a body's meeting: under review (an amendment's, en œuvre), not in draft. */
const AWAITING_A_BODY: Stage[] = [...REVIEW_STAGES.filter((stage) => stage !== 'brouillon'), 'en_oeuvre'];

/** What the meeting workflow needs to know of its meeting, read once at start. */
export interface MeetingFacts {
  meetingId: string;
  conventionId: string;
  title: string;
  instanceKind: InstanceKind;
  instanceName: string;
  startsAt: string;
  endsAt: string;
  status: MeetingStatus;
  sequence: number;
  zone: string;
  /** Jours francs between convocation and meeting: the instance's own, else the charter's. */
  convocationDelayDays: number;
  reminderDaysBefore: number[];
  quorum: number | null;
  /** Invited members' addresses, lower-cased and sorted. */
  members: string[];
  /** Titulaires only: quorum counts them. */
  titulaires: string[];
  /** Who is reminded to file the compte rendu: the instance's secretaries. */
  secretaries: string[];
}

export interface MeetingChange {
  meetingId: string;
  /** The audit line's key: a retried activity writes nothing twice. */
  idempotencyKey: string;
  actorEmail: string;
  action: 'reschedule' | 'cancel' | 'recordAttendance' | 'sendDecisionSummary' | 'fileMinutes' | 'convene';
  at: string;
  status?: MeetingStatus;
  sequence?: number;
  startsAt?: string;
  endsAt?: string;
  location?: string;
  visioUrl?: string;
  cancelReason?: string;
  quorumReached?: boolean;
  attendance?: Attendance;
  minutesRef?: string;
  details?: Record<string, string | number | boolean>;
}

/** Activities over the meetings table: invitations, agenda, changes with their audit line. */
export function createMeetingActivities(prisma: PrismaClient) {
  return {
    /**
     * Invites the instance's members (titulaires as required participants, suppléants as optional,
     * the président as chair) — once, however often it runs — and returns the meeting's facts.
     */
    async prepareMeeting({ meetingId }: { meetingId: string }): Promise<MeetingFacts> {
      const meeting = await prisma.meeting.findUniqueOrThrow({
        where: { id: meetingId },
        include: {
          convention: { select: { timezone: true, charter: true } },
          instance: { include: { memberships: { include: { person: { select: { id: true, email: true } } } } } },
        },
      });
      const memberships = meeting.instance.memberships;
      await prisma.$transaction(
        memberships.map((m) =>
          prisma.invitation.upsert({
            where: { meetingId_personId: { meetingId, personId: m.personId } },
            create: {
              meetingId,
              personId: m.personId,
              role: m.role === 'president' ? 'CHAIR' : m.seat === 'suppleant' ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT',
            },
            update: {},
          }),
        ),
      );
      const emails = (filter: (m: (typeof memberships)[number]) => boolean) =>
        [...new Set(memberships.filter(filter).map((m) => m.person.email.toLowerCase()))].sort();
      return {
        meetingId,
        conventionId: meeting.conventionId,
        title: meeting.title,
        instanceKind: meeting.instance.kind as InstanceKind,
        instanceName: meeting.instance.name,
        startsAt: meeting.startsAt.toISOString(),
        endsAt: meeting.endsAt.toISOString(),
        status: meeting.status as MeetingStatus,
        sequence: meeting.sequence,
        zone: meeting.convention.timezone,
        convocationDelayDays: convocationDelayFor(
          parseCharter(meeting.convention.charter),
          meeting.instance.kind as InstanceKind,
          meeting.instance.convocationDelayDays,
        ),
        reminderDaysBefore: meeting.instance.reminderDaysBefore,
        quorum: meeting.instance.quorum,
        members: emails(() => true),
        titulaires: emails((m) => m.seat === 'titulaire'),
        secretaries: emails((m) => m.role === 'secretaire'),
      };
    },

    /** The ordre du jour as members see it, in order. */
    async meetingAgenda({ meetingId }: { meetingId: string }): Promise<string[]> {
      const items = await prisma.agendaItem.findMany({ where: { meetingId }, orderBy: { position: 'asc' } });
      return items.map((item) => item.title);
    },

    /** The workflows of the fiches on the meeting's ordre du jour, to tell them it moved. */
    async fichesOnAgenda({ meetingId }: { meetingId: string }): Promise<string[]> {
      const items = await prisma.agendaItem.findMany({
        where: { meetingId, ficheId: { not: null } },
        include: { fiche: { select: { workflowId: true } } },
      });
      return [...new Set(items.flatMap((item) => (item.fiche?.workflowId ? [item.fiche.workflowId] : [])))].sort();
    },

    /** The workflows of the fiches still under review: some may wait for a meeting of this body. */
    async fichesUnderReview({ conventionId }: { conventionId: string }): Promise<string[]> {
      const fiches = await prisma.ficheAction.findMany({
        where: { conventionId, workflowId: { not: null }, status: { in: AWAITING_A_BODY } },
        select: { workflowId: true },
        orderBy: { createdAt: 'asc' },
      });
      return fiches.map((f) => f.workflowId!);
    },

    /** Records a change of the meeting and its audit line together, once per key. */
    async recordMeetingChange(change: MeetingChange): Promise<{ created: boolean }> {
      return prisma.$transaction(async (tx) => {
        if (await tx.auditEvent.findUnique({ where: { key: change.idempotencyKey } })) return { created: false };
        const at = new Date(change.at);
        await tx.meeting.update({
          where: { id: change.meetingId },
          data: {
            ...(change.status ? { status: change.status } : {}),
            ...(change.sequence !== undefined ? { sequence: change.sequence } : {}),
            ...(change.startsAt ? { startsAt: new Date(change.startsAt) } : {}),
            ...(change.endsAt ? { endsAt: new Date(change.endsAt) } : {}),
            ...(change.location !== undefined ? { location: change.location } : {}),
            ...(change.visioUrl !== undefined ? { visioUrl: change.visioUrl } : {}),
            ...(change.cancelReason ? { cancelReason: change.cancelReason } : {}),
            ...(change.quorumReached !== undefined ? { quorumReached: change.quorumReached } : {}),
            ...(change.minutesRef ? { minutesRef: change.minutesRef, minutesFiledAt: at } : {}),
          },
        });
        if (change.attendance) {
          const { present, excused, proxies } = change.attendance;
          const people = await tx.person.findMany({
            where: {
              email: {
                in: [...present, ...excused, ...proxies.flatMap((p) => [p.from, p.to])].map((e) => e.toLowerCase()),
              },
            },
            select: { id: true, email: true },
          });
          const idOf = new Map(people.map((p) => [p.email.toLowerCase(), p.id]));
          const mark = async (email: string, attendance: string, proxyPersonId: string | null) =>
            tx.invitation.updateMany({
              where: { meetingId: change.meetingId, personId: idOf.get(email.toLowerCase()) ?? '' },
              data: { attendance, proxyPersonId },
            });
          // Everyone not listed is absent; a pouvoir makes its giver « représenté ».
          await tx.invitation.updateMany({
            where: { meetingId: change.meetingId },
            data: { attendance: 'absent', proxyPersonId: null },
          });
          for (const email of present) await mark(email, 'present', null);
          for (const email of excused) await mark(email, 'excuse', null);
          for (const { from, to } of proxies) await mark(from, 'represente', idOf.get(to.toLowerCase()) ?? null);
        }
        await tx.auditEvent.create({
          data: {
            key: change.idempotencyKey,
            actor: change.actorEmail,
            action: `meeting.${change.action}`,
            subject: `meeting:${change.meetingId}`,
            details: {
              ...(change.status ? { status: change.status } : {}),
              ...(change.sequence !== undefined ? { sequence: change.sequence } : {}),
              ...(change.startsAt ? { startsAt: change.startsAt, endsAt: change.endsAt ?? '' } : {}),
              ...(change.cancelReason ? { reason: change.cancelReason } : {}),
              ...(change.quorumReached !== undefined ? { quorumReached: change.quorumReached } : {}),
              ...(change.minutesRef ? { minutesRef: change.minutesRef } : {}),
              ...(change.details ?? {}),
            },
            at,
          },
        });
        return { created: true };
      });
    },
  };
}

export type MeetingActivities = ReturnType<typeof createMeetingActivities>;

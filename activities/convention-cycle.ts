import type { InstanceKind, MemberRole } from '../domain/charter.js';
import type { ReviewedFiche } from '../domain/convention-notices.js';
import type { Indicator } from '../domain/lifecycle/model.js';
import type { PrismaClient } from '../generated/prisma/client.js';

export interface ConventionCycleFacts {
  zone: string;
  /** YYYY-MM-DD */
  startDate: string;
  endDate: string;
  /** The web pages' and API's base URL, for the mails. */
  baseUrl: string;
}

export interface ProlongationRecordInput {
  conventionId: string;
  newEndDate: string;
  motif: string;
  actorEmail: string;
  /** One amendment per key: a retried activity finds it written. */
  idempotencyKey: string;
  at: string;
}

export interface ReviewPlacement {
  meetingId: string;
  meetingTitle: string;
  startsAt: string;
  /** False when the point was already on that ordre du jour. */
  added: boolean;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Activities of the convention's cycle: its dates, the campaigns' fiches, amendments, the COPIL's review. */
export function createConventionCycleActivities({ prisma, publicUrl }: { prisma: PrismaClient; publicUrl: string }) {
  return {
    async loadConventionCycle({ conventionId }: { conventionId: string }): Promise<ConventionCycleFacts> {
      const convention = await prisma.convention.findUniqueOrThrow({ where: { id: conventionId } });
      return {
        zone: convention.timezone,
        startDate: day(convention.startDate),
        endDate: day(convention.endDate),
        baseUrl: publicUrl.replace(/\/+$/, ''),
      };
    },

    /**
     * The convention's fiches en œuvre, each with the pilot of its version in force (its author
     * when it names none) and its évaluation of `year` if recorded, by code.
     */
    async loadCampaign({ conventionId, year }: { conventionId: string; year: number }): Promise<ReviewedFiche[]> {
      const fiches = await prisma.ficheAction.findMany({
        where: { conventionId, status: 'en_oeuvre' },
        orderBy: { code: 'asc' },
        include: {
          versions: { orderBy: { version: 'desc' }, include: { pilote: { select: { email: true } } } },
          evaluations: { where: { year } },
        },
      });
      return fiches.map((fiche) => {
        const version = fiche.versions.find((v) => v.state === 'en_vigueur') ?? fiche.versions[0];
        const evaluation = fiche.evaluations[0];
        return {
          ficheId: fiche.id,
          code: fiche.code,
          title: version?.title ?? '',
          pilotEmail: (version?.pilote?.email ?? fiche.authorEmail).toLowerCase(),
          evaluation: evaluation
            ? { summary: evaluation.summary, indicators: (evaluation.indicators as Indicator[] | null) ?? [] }
            : null,
        };
      });
    },

    /**
     * Records the amendment (next number, the new end date, the motif) and moves the convention's
     * end date, with its audit line, all at once; a retry finds them written and changes nothing.
     */
    async recordProlongation(
      input: ProlongationRecordInput,
    ): Promise<{ number: number; previousEndDate: string; newEndDate: string }> {
      return prisma.$transaction(async (tx) => {
        const done = await tx.auditEvent.findUnique({ where: { key: input.idempotencyKey } });
        if (done) return done.details as { number: number; previousEndDate: string; newEndDate: string };
        const convention = await tx.convention.findUniqueOrThrow({ where: { id: input.conventionId } });
        const last = await tx.amendment.findFirst({
          where: { conventionId: input.conventionId },
          orderBy: { number: 'desc' },
        });
        const number = (last?.number ?? 0) + 1;
        const newEnd = new Date(`${input.newEndDate}T00:00:00Z`);
        await tx.amendment.create({
          data: {
            conventionId: input.conventionId,
            number,
            title: `Avenant n° ${number} : prolongation jusqu’au ${input.newEndDate}`,
            description: input.motif,
            newEndDate: newEnd,
            signedAt: new Date(input.at),
          },
        });
        await tx.convention.update({
          where: { id: input.conventionId },
          data: { endDate: newEnd, status: 'prolongee' },
        });
        const details = { number, previousEndDate: day(convention.endDate), newEndDate: input.newEndDate };
        await tx.auditEvent.create({
          data: {
            key: input.idempotencyKey,
            actor: input.actorEmail,
            action: 'convention.prolong',
            subject: `convention:${input.conventionId}`,
            details: { ...details, motif: input.motif },
            at: new Date(input.at),
          },
        });
        return details;
      });
    },

    /**
     * Puts the review on the ordre du jour of the next scheduled COPIL meeting (or says where it
     * already is); null when no COPIL meeting is scheduled after `after` (ISO).
     */
    async placeReviewOnCopilAgenda(input: {
      conventionId: string;
      title: string;
      kind: 'information' | 'decision';
      after: string;
    }): Promise<ReviewPlacement | null> {
      return prisma.$transaction(async (tx) => {
        const scheduled = {
          conventionId: input.conventionId,
          instance: { kind: 'copil' },
          status: { in: ['planifiee', 'convoquee'] },
          startsAt: { gte: new Date(input.after) },
        };
        const placed = await tx.meeting.findFirst({
          where: { ...scheduled, agenda: { some: { title: input.title } } },
          orderBy: { startsAt: 'asc' },
        });
        if (placed)
          return {
            meetingId: placed.id,
            meetingTitle: placed.title,
            startsAt: placed.startsAt.toISOString(),
            added: false,
          };
        const meeting = await tx.meeting.findFirst({
          where: scheduled,
          orderBy: { startsAt: 'asc' },
          include: { agenda: true },
        });
        if (!meeting) return null;
        const position = Math.max(0, ...meeting.agenda.map((item) => item.position)) + 1;
        await tx.agendaItem.create({ data: { meetingId: meeting.id, position, title: input.title, kind: input.kind } });
        return {
          meetingId: meeting.id,
          meetingTitle: meeting.title,
          startsAt: meeting.startsAt.toISOString(),
          added: true,
        };
      });
    },

    /** The addresses of an instance's members (of some roles only, when given), lower-cased and sorted. */
    async conventionAudience({
      conventionId,
      instanceKind,
      roles,
    }: {
      conventionId: string;
      instanceKind: InstanceKind;
      roles?: MemberRole[];
    }): Promise<string[]> {
      const members = await prisma.membership.findMany({
        where: { instance: { conventionId, kind: instanceKind }, ...(roles ? { role: { in: roles } } : {}) },
        include: { person: { select: { email: true } } },
      });
      return [...new Set(members.map((m) => m.person.email.toLowerCase()))].sort();
    },
  };
}

export type ConventionCycleActivities = ReturnType<typeof createConventionCycleActivities>;

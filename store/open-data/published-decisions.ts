import type { PrismaClient } from '../../generated/prisma/client.js';
import { decisionSummary } from '../../domain/decision-summary.js';
import type { PublishedDecision } from '../../domain/open-decisions.js';
import { localDateKey } from '../../domain/paris-time.js';

/**
 * Publishes a meeting's relevé de décisions on its convention's public page; publishing it again
 * changes nothing. Returns when it was published (now, or the first time).
 */
export async function publishDecisions(
  db: PrismaClient,
  { meetingId, by, at }: { meetingId: string; by: string; at: Date },
): Promise<Date> {
  await db.meeting.updateMany({
    where: { id: meetingId, decisionsPublishedAt: null },
    data: { decisionsPublishedAt: at, decisionsPublishedBy: by },
  });
  const meeting = await db.meeting.findUniqueOrThrow({
    where: { id: meetingId },
    select: { decisionsPublishedAt: true },
  });
  return meeting.decisionsPublishedAt!;
}

/** When a meeting's relevé was published, if it was. */
export async function findDecisionsPublication(db: PrismaClient, meetingId: string): Promise<Date | null> {
  const meeting = await db.meeting.findUnique({ where: { id: meetingId }, select: { decisionsPublishedAt: true } });
  return meeting?.decisionsPublishedAt ?? null;
}

/** A convention as its public page names it: its name, its territory, the collectivité that signs it. */
export interface PublicConvention {
  id: string;
  slug: string;
  name: string;
  territory: string;
  /** The collectivité signatory's name (SCDL's COLL_NOM), else the territory. */
  collectivite: string;
}

/** The convention of that slug as the public page names it, or null. */
export async function findPublicConvention(db: PrismaClient, slug: string): Promise<PublicConvention | null> {
  const convention = await db.convention.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      name: true,
      territory: true,
      signatories: { select: { structure: { select: { name: true, kind: true } } } },
    },
  });
  if (!convention) return null;
  const { signatories, ...rest } = convention;
  const collectivite = signatories.find((s) => s.structure.kind === 'collectivite')?.structure.name;
  return { ...rest, collectivite: collectivite ?? convention.territory };
}

/**
 * Every decision of the convention's meetings whose relevé is published, newest meeting first,
 * each meeting's in the order of its relevé. Only what the public may read: bodies, fiches (code
 * and title), outcomes and counts; not the comments, which may name people.
 */
export async function listPublishedDecisions(db: PrismaClient, conventionId: string): Promise<PublishedDecision[]> {
  const meetings = await db.meeting.findMany({
    where: { conventionId, decisionsPublishedAt: { not: null } },
    orderBy: { startsAt: 'desc' },
    select: {
      id: true,
      title: true,
      startsAt: true,
      decisionsPublishedAt: true,
      convention: { select: { timezone: true } },
      instance: { select: { slug: true, name: true } },
      agenda: {
        orderBy: { position: 'asc' },
        select: { title: true, ficheId: true, decisionText: true, decidedAt: true },
      },
      decisions: {
        orderBy: { decidedAt: 'asc' },
        select: {
          ficheId: true,
          outcome: true,
          decidedAt: true,
          fiche: {
            select: { code: true, versions: { orderBy: { version: 'desc' }, take: 1, select: { title: true } } },
          },
        },
      },
      invitations: { select: { attendance: true } },
    },
  });
  return meetings.flatMap((meeting) => {
    const date = localDateKey(meeting.startsAt, meeting.convention.timezone);
    const votes = {
      effectif: meeting.invitations.length,
      reel: meeting.invitations.filter((i) => i.attendance === 'present' || i.attendance === 'represente').length,
    };
    const lines = decisionSummary(
      meeting.agenda,
      meeting.decisions.map((d) => ({ ...d, comment: null })),
    );
    return lines.map((line, index): PublishedDecision => {
      const decision = line.ficheId ? meeting.decisions.find((d) => d.ficheId === line.ficheId) : undefined;
      const item = decision ? undefined : meeting.agenda.find((a) => !a.ficheId && a.title === line.item);
      const fiche = decision
        ? { code: decision.fiche.code, title: decision.fiche.versions[0]?.title ?? decision.fiche.code }
        : null;
      return {
        id: `${date}-${meeting.instance.slug}-${index + 1}`,
        date,
        decidedAt: decision?.decidedAt ?? item?.decidedAt ?? meeting.startsAt,
        publishedAt: meeting.decisionsPublishedAt!,
        instance: meeting.instance,
        meeting: { id: meeting.id, title: meeting.title },
        fiche,
        subject: fiche ? `Fiche ${fiche.code} — ${fiche.title}` : line.item,
        outcome: line.outcome,
        votes,
      };
    });
  });
}

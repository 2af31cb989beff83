import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

const DAY_MS = 86_400_000;

/** Where a convention's personal data stands: kept until `due`, anonymised once past it. */
export interface RetentionFacts {
  conventionId: string;
  endDate: string;
  retentionDays: number;
  /** The convention's end plus its retention period (ISO): when its former members are anonymised. */
  due: string;
  anonymisedAt: string | null;
}

/** The convention's end, its retention period and when its personal data falls due. */
export async function findRetentionFacts(db: PrismaClient, conventionId: string): Promise<RetentionFacts> {
  const row = await db.convention.findUniqueOrThrow({
    where: { id: conventionId },
    select: { endDate: true, retentionDays: true, anonymisedAt: true },
  });
  return {
    conventionId,
    endDate: row.endDate.toISOString().slice(0, 10),
    retentionDays: row.retentionDays,
    due: retentionDue(row.endDate, row.retentionDays).toISOString(),
    anonymisedAt: row.anonymisedAt?.toISOString() ?? null,
  };
}

/** The day after the convention's last day, plus the retention period. */
function retentionDue(endDate: Date, retentionDays: number): Date {
  return new Date(endDate.getTime() + (1 + retentionDays) * DAY_MS);
}

/** Sets the convention's retention period (days after its end). */
export async function setRetentionDays(
  db: PrismaClient,
  { conventionId, days }: { conventionId: string; days: number },
): Promise<void> {
  await db.convention.update({ where: { id: conventionId }, data: { retentionDays: days } });
}

/** A person as anonymisation leaves them: the pseudonym kept in decisions and the audit log. */
export interface Pseudonym {
  personId: string;
  displayName: string;
  email: string;
}

/** The pseudonym of a person: stable (their id), so the same person reads the same everywhere. */
export function pseudonymOf(personId: string): Pseudonym {
  const short = personId.replace(/-/g, '').slice(0, 8);
  return { personId, displayName: `Personne ${short}`, email: `anonyme-${personId}@anonymise.invalid` };
}

/**
 * The convention's people who are no longer seated anywhere: linked to it (a seat in one of its
 * instances, an invitation to one of its meetings, a fiche they pilot) and with neither a seat nor
 * an invitation in a convention whose personal data is still kept (not past its end plus
 * retention). Admins are kept: they run the application. The anonymised are not counted again.
 */
async function departedPeople(db: PrismaClient, conventionId: string, now: Date) {
  const conventions = await db.convention.findMany({ select: { id: true, endDate: true, retentionDays: true } });
  const live = conventions.filter((c) => retentionDue(c.endDate, c.retentionDays) > now).map((c) => c.id);
  const inConvention = (ids: string[] | string) => {
    const conventionId = typeof ids === 'string' ? ids : { in: ids };
    return [
      { memberships: { some: { instance: { conventionId } } } },
      { invitations: { some: { meeting: { conventionId } } } },
      { pilotOf: { some: { fiche: { conventionId } } } },
    ];
  };
  return db.person.findMany({
    where: {
      admin: false,
      anonymisedAt: null,
      OR: inConvention(conventionId),
      NOT: { OR: inConvention(live) },
    },
    select: { id: true, email: true, displayName: true },
  });
}

/** Replaces one person's name, address and contact details by their pseudonym, wherever the address is kept. */
async function anonymisePerson(
  tx: Prisma.TransactionClient,
  person: { id: string; email: string; displayName: string },
  at: Date,
): Promise<Pseudonym> {
  const pseudo = pseudonymOf(person.id);
  const from = person.email;
  const to = pseudo.email;
  // An address recorded as typed (« Jean.Dupont@… ») is the same person's: matched whatever its case.
  const same = { equals: from, mode: 'insensitive' } as const;
  await tx.person.update({
    where: { id: person.id },
    data: {
      email: to,
      displayName: pseudo.displayName,
      title: null,
      phone: null,
      mailRefusedAt: null,
      mailRefusal: null,
      anonymisedAt: at,
    },
  });
  // Nobody signs in as a pseudonym, and their calendar addresses answer no more.
  await tx.session.deleteMany({ where: { personId: person.id } });
  await tx.apiToken.deleteMany({ where: { personId: person.id } });
  await tx.feedSubscription.deleteMany({ where: { personId: person.id } });
  await tx.decision.updateMany({ where: { actorEmail: same }, data: { actorEmail: to } });
  await tx.auditEvent.updateMany({ where: { actor: same }, data: { actor: to } });
  await tx.ficheAction.updateMany({ where: { authorEmail: same }, data: { authorEmail: to } });
  await tx.ficheVersion.updateMany({ where: { createdBy: same }, data: { createdBy: to } });
  await tx.ficheEvaluation.updateMany({ where: { recordedBy: same }, data: { recordedBy: to } });
  await tx.vote.updateMany({ where: { voterEmail: same }, data: { voterEmail: to } });
  await tx.poll.updateMany({ where: { organizerEmail: same }, data: { organizerEmail: to } });
  await tx.notification.updateMany({ where: { recipient: same }, data: { recipient: to } });
  await tx.minutesFile.updateMany({ where: { uploadedBy: same }, data: { uploadedBy: to } });
  await tx.meeting.updateMany({ where: { decisionsPublishedBy: same }, data: { decisionsPublishedBy: to } });
  await tx.milestone.updateMany({ where: { ownerEmail: same }, data: { ownerEmail: to } });
  await tx.signatureStep.updateMany({ where: { recordedBy: same }, data: { recordedBy: to } });
  await tx.amendment.updateMany({ where: { proposedBy: same }, data: { proposedBy: to } });
  await tx.signInAttempt.deleteMany({ where: { email: same } });
  await tx.$executeRaw`UPDATE "Poll"
    SET "participants" = ARRAY(SELECT CASE WHEN lower(p) = lower(${from}) THEN ${to} ELSE p END
      FROM unnest("participants") WITH ORDINALITY AS u(p, n) ORDER BY n)
    WHERE lower(${from}) = ANY(SELECT lower(p) FROM unnest("participants") AS p)`;
  // Free texts that may quote the person (audit details, a decision's comment) keep the pseudonym; a
  // name too short to be told from other words is left.
  const quoted = [
    [from, to],
    [person.displayName, pseudo.displayName],
  ].filter(([was]) => was!.length >= 4) as Array<[string, string]>;
  for (const [was, now] of quoted) {
    const like = `%${was.replace(/[\\%_]/g, '\\$&')}%`;
    const pattern = was.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await tx.$executeRaw`UPDATE "AuditEvent"
      SET "details" = regexp_replace("details"::text, ${pattern}, ${now}, 'gi')::jsonb
      WHERE "details"::text ILIKE ${like}`;
    await tx.$executeRaw`UPDATE "Decision" SET "comment" = regexp_replace("comment", ${pattern}, ${now}, 'gi')
      WHERE "comment" ILIKE ${like}`;
  }
  return pseudo;
}

/**
 * Anonymises the convention's departed people ({@link departedPeople}) once its end plus its
 * retention period is past; decisions, votes and the audit log stay, under each one's pseudonym.
 * Records the run on the convention and one audit line per person, by `actor`. Before it is due,
 * changes nothing and answers null.
 */
export async function anonymiseDepartedPeople(
  db: PrismaClient,
  { conventionId, now, actor }: { conventionId: string; now: Date; actor: string },
): Promise<{ anonymised: string[] } | null> {
  const facts = await findRetentionFacts(db, conventionId);
  if (new Date(facts.due) > now) return null;
  const people = await departedPeople(db, conventionId, now);
  const anonymised = await db.$transaction(async (tx) => {
    const done: string[] = [];
    for (const person of people) {
      const pseudo = await anonymisePerson(tx, person, now);
      await tx.auditEvent.create({
        data: {
          actor,
          action: 'person.anonymise',
          subject: `person:${person.id}`,
          details: { convention: conventionId, pseudonym: pseudo.displayName },
          at: now,
        },
      });
      done.push(person.id);
    }
    await tx.auditEvent.create({
      data: {
        actor,
        action: 'convention.anonymise',
        subject: `convention:${conventionId}`,
        details: { anonymised: done.length, retentionDays: facts.retentionDays },
        at: now,
      },
    });
    await tx.convention.update({ where: { id: conventionId }, data: { anonymisedAt: now } });
    return done;
  });
  return { anonymised };
}

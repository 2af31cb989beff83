import { randomUUID } from 'node:crypto';
import type { FollowUp } from '../../domain/lifecycle/follow-up.js';
import type { LifecyclePosition } from '../../domain/lifecycle/model.js';
import { isTerminal, STAGES, type Stage } from '../../domain/lifecycle/vocabulary.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

/**
 * A convention at the scale of a département's year, written straight into the store: `fiches`
 * fiches spread over every stage, each with a version piloted by one of the convention's people,
 * and `meetings` meetings of its bodies spread over `year`, each with its members invited (a third
 * of them having accepted). No workflow runs behind them: this is for reading pages and plans, so
 * each fiche carries the follow-up its workflow would have written (a review's deadlines, the
 * évaluation's anniversary) and where its lifecycle stands.
 */
export async function seedConventionAtScale(
  prisma: PrismaClient,
  conventionId: string,
  { fiches, meetings, year }: { fiches: number; meetings: number; year: number },
): Promise<void> {
  const instances = await prisma.instance.findMany({
    where: { conventionId },
    select: { id: true, name: true, memberships: { select: { personId: true } } },
  });
  const people = [...new Set(instances.flatMap((i) => i.memberships.map((m) => m.personId)))];
  const rows = Array.from({ length: fiches }, (_, i) => ({
    id: randomUUID(),
    conventionId,
    code: `FA-${year}-S${String(i + 1).padStart(5, '0')}`,
    status: STAGES[i % STAGES.length]!,
    authorEmail: `auteur${i % 40}@example.org`,
    lifecycle: positionAt(STAGES[i % STAGES.length]!) as unknown as Prisma.InputJsonValue,
    followUp: followUpAt(STAGES[i % STAGES.length]!, new Date(Date.UTC(year, i % 12, 1 + (i % 28), 17))),
  }));
  for (let start = 0; start < rows.length; start += 1000) {
    const batch = rows.slice(start, start + 1000);
    await prisma.ficheAction.createMany({ data: batch });
    await prisma.ficheVersion.createMany({
      data: batch.map((fiche, i) => ({
        ficheId: fiche.id,
        version: 1,
        title: `Action n° ${start + i + 1} du plan départemental`,
        piloteId: people[(start + i) % people.length] ?? null,
        state: fiche.status === 'en_oeuvre' ? 'en_vigueur' : 'proposee',
        createdBy: fiche.authorEmail,
      })),
    });
  }
  const yearStart = Date.UTC(year, 0, 1, 8);
  const step = (365 * 86_400_000) / meetings;
  const planned = Array.from({ length: meetings }, (_, i) => {
    const instance = instances[i % instances.length]!;
    const startsAt = new Date(yearStart + Math.floor(i * step));
    return {
      meeting: {
        id: randomUUID(),
        conventionId,
        instanceId: instance.id,
        title: `${instance.name} n° ${i + 1}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
        status: startsAt.getTime() < Date.now() ? 'tenue' : 'convoquee',
        icalUid: `${randomUUID()}@concerto.scale`,
      },
      members: instance.memberships.map((m) => m.personId),
    };
  });
  await prisma.meeting.createMany({ data: planned.map((p) => p.meeting) });
  await prisma.invitation.createMany({
    data: planned.flatMap((p) =>
      p.members.map((personId, j) => ({
        meetingId: p.meeting.id,
        personId,
        partstat: j % 3 === 0 ? 'ACCEPTED' : 'NEEDS-ACTION',
      })),
    ),
    skipDuplicates: true,
  });
}

/** What a fiche's workflow writes at `stage` after a meeting (or a validation) at `at`. */
function followUpAt(stage: Stage, at: Date): FollowUp {
  const day = 86_400_000;
  if (stage === 'soumise' || stage === 'attente_copil' || stage === 'attente_bureau')
    return {
      kind: 'review',
      what: `l’instance rend sa décision sur la version 1`,
      reminder: new Date(at.getTime() + day).toISOString(),
      escalation: new Date(at.getTime() + 7 * day).toISOString(),
    };
  if (stage === 'en_oeuvre') return { kind: 'evaluation', what: null, start: at.toISOString(), zone: 'Europe/Paris' };
  return { kind: 'none', what: null };
}

/** Where a first version's lifecycle stands at `stage`, as its workflow writes it. */
function positionAt(stage: Stage): LifecyclePosition {
  const reviewed = !isTerminal(stage) && stage !== 'en_oeuvre';
  return {
    stage,
    versionInForce: stage === 'en_oeuvre' ? 1 : null,
    latestVersion: 1,
    review: reviewed ? { version: 1, stage, partnerOpinions: {}, adjournments: 0, comments: [] } : null,
    evaluations: [],
  };
}

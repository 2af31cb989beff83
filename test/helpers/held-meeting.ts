import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * A COPIL meeting already held in the convention, written straight to the database: a fiche it
 * adopted (with a comment that names a member, which the public must never read), a free item
 * decided in séance, its members convened with their attendance. Returns what tests look for.
 */
export async function seedHeldMeeting(
  prisma: PrismaClient,
  conventionId: string,
  { startsAt = new Date('2026-03-12T13:00:00Z'), code = 'FA-2026-90' } = {},
) {
  const copil = await prisma.instance.findFirstOrThrow({
    where: { conventionId, kind: 'copil' },
    select: { id: true, name: true, slug: true, memberships: { select: { person: true } } },
  });
  const members = copil.memberships.map((m) => m.person);
  const pilot = members[0]!;
  const fiche = await prisma.ficheAction.create({
    data: {
      conventionId,
      code,
      status: 'attente_bureau',
      authorEmail: pilot.email,
      versions: {
        create: {
          version: 1,
          title: 'Accueil des familles au guichet unique',
          state: 'proposee',
          createdBy: pilot.email,
        },
      },
    },
  });
  await prisma.ficheVersion.updateMany({ where: { ficheId: fiche.id }, data: { piloteId: pilot.id } });
  const meeting = await prisma.meeting.create({
    data: {
      conventionId,
      instanceId: copil.id,
      title: 'COPIL de printemps',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
      status: 'tenue',
      icalUid: `${randomUUID()}@concerto.test`,
      workflowId: `meeting-${randomUUID()}`,
      agenda: {
        create: [
          { position: 1, title: `Fiche ${code}`, kind: 'decision', ficheId: fiche.id },
          {
            position: 2,
            title: 'Calendrier des GTT',
            decisionText: 'Les GTT se réunissent en mai.',
            decidedAt: startsAt,
          },
        ],
      },
      invitations: {
        create: members.map((person, i) => ({
          personId: person.id,
          partstat: 'ACCEPTED',
          attendance: i % 3 === 2 ? 'excuse' : 'present',
        })),
      },
    },
  });
  await prisma.decision.create({
    data: {
      idempotencyKey: randomUUID(),
      ficheId: fiche.id,
      version: 1,
      instanceId: copil.id,
      meetingId: meeting.id,
      stage: 'attente_copil',
      outcome: 'adoptee',
      comment: `Adoptée sur la proposition de ${pilot.displayName} (${pilot.email}).`,
      actorEmail: pilot.email,
      actorRole: 'secretaire_instance',
      decidedAt: startsAt,
    },
  });
  const present = members.filter((_, i) => i % 3 !== 2).length;
  return { meeting, fiche, copil, members, present };
}

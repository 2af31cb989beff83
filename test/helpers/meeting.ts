import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { createTestConvention } from './convention.js';

/** Options of {@link createTestMeeting}. */
export interface TestMeetingOptions {
  /** Local parts of the invited people's addresses; a random suffix keeps them unique. */
  invitees?: string[];
  sequence?: number;
  status?: string;
}

/**
 * A COTECH meeting on 16 June 2026, 14:00-17:00 in Paris, of a fresh convention, with one person
 * invited per `invitees` entry (all NEEDS-ACTION). Gives back the rows and the invitees' addresses
 * in the order given.
 */
export async function createTestMeeting(prisma: PrismaClient, options: TestMeetingOptions = {}) {
  const suffix = randomUUID().slice(0, 8);
  const convention = await createTestConvention(prisma);
  const instance = await prisma.instance.create({
    data: { conventionId: convention.id, slug: 'cotech', kind: 'cotech', name: 'Comité technique (COTECH)' },
  });
  const meeting = await prisma.meeting.create({
    data: {
      conventionId: convention.id,
      instanceId: instance.id,
      title: 'COTECH de juin',
      startsAt: new Date('2026-06-16T12:00:00Z'),
      endsAt: new Date('2026-06-16T15:00:00Z'),
      location: 'Salle du conseil, Melle',
      visioUrl: 'https://visio.example.org/cotech-juin',
      status: options.status ?? 'convoquee',
      icalUid: `${randomUUID()}@concerto`,
      sequence: options.sequence ?? 0,
    },
  });
  const emails: string[] = [];
  for (const local of options.invitees ?? ['elue', 'directrice']) {
    const email = `${local}-${suffix}@example.org`;
    const person = await prisma.person.create({ data: { email, displayName: local } });
    await prisma.invitation.create({ data: { meetingId: meeting.id, personId: person.id } });
    emails.push(email);
  }
  return { convention, instance, meeting, emails };
}

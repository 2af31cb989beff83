import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../store/access/api-tokens.js';
import { createSession } from '../../store/access/sessions.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore, type Store } from '../../store/index.js';
import { pseudonymOf } from '../../store/privacy/anonymise-departed.js';
import { createTestConvention } from '../helpers/convention.js';
import { openTestDatabase } from '../helpers/database.js';
import { seedHeldMeeting } from '../helpers/held-meeting.js';

// RGPD on a real database: a person's export holds every kind of thing kept about them; past the
// convention's end plus its retention period, its people no longer seated anywhere are
// anonymised, and only they, their decisions kept under a pseudonym.

describe('personal data', () => {
  let db: Database;
  let store: Store;
  let conventionId: string;
  let held: Awaited<ReturnType<typeof seedHeldMeeting>>;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    store = createStore(db.prisma);
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    held = await seedHeldMeeting(db.prisma, conventionId);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('exports everything held about a person, each kind', async () => {
    const pilot = held.members[0]!;
    const poll = await db.prisma.poll.create({
      data: {
        conventionId,
        key: 'sondage-rgpd',
        title: 'Date du COPIL',
        organizerEmail: pilot.email,
        options: {
          create: {
            position: 1,
            kind: 'journee',
            startsAt: new Date('2026-05-04T07:00:00Z'),
            endsAt: new Date('2026-05-04T16:00:00Z'),
            label: 'lundi 4 mai',
          },
        },
      },
      include: { options: true },
    });
    await db.prisma.vote.create({ data: { optionId: poll.options[0]!.id, voterEmail: pilot.email, answer: 'oui' } });
    const at = new Date('2026-03-13T09:00:00Z');
    await store.audit.record({ actor: pilot.email, action: 'fiche.recordPartnerOpinion', subject: 'fiche:x', at });
    await db.prisma.notification.create({
      data: {
        idempotencyKey: 'rgpd-1',
        recipient: pilot.email,
        subject: 'Convocation',
        messageId: 'm1',
        status: 'sent',
      },
    });
    await createApiToken(db.prisma, { personId: pilot.id, label: 'script' });
    await createSession(db.prisma, pilot.id, at);
    await db.prisma.feedSubscription.create({ data: { personId: pilot.id, kind: 'person', activeKey: 'rgpd' } });
    // A step of the signature path they recorded, and an avenant they proposed (anonymised below too).
    await db.prisma.signatureStep.create({
      data: {
        conventionId,
        version: 0,
        step: 'validation',
        party: 'msa',
        date: new Date('2023-10-20'),
        reference: 'MSA-2023-31',
        recordedBy: pilot.email,
      },
    });
    await db.prisma.amendment.create({
      data: {
        conventionId,
        number: 7,
        kind: 'autre',
        title: 'Avenant n° 7',
        status: 'projet',
        proposedBy: pilot.email,
      },
    });

    const data = await store.privacy.exportPerson(pilot.id);
    expect(data.person).toMatchObject({ email: pilot.email, displayName: pilot.displayName });
    for (const kind of [
      'memberships',
      'invitations',
      'pollAnswers',
      'opinions',
      'decisions',
      'pilotedFiches',
      'signatureSteps',
      'proposedAmendments',
      'notifications',
      'audit',
      'apiTokens',
      'sessions',
      'feedSubscriptions',
    ] as const)
      expect(data[kind].length, kind).toBeGreaterThan(0);
    expect(JSON.stringify(data.apiTokens)).not.toContain('tokenHash');
    expect(data.signatureSteps).toEqual([
      expect.objectContaining({
        version: 0,
        step: 'validation',
        party: 'msa',
        date: new Date('2023-10-20'),
        reference: 'MSA-2023-31',
        convention: expect.objectContaining({ slug: DEMO_CONVENTION_SLUG }),
      }),
    ]);
    expect(data.proposedAmendments).toMatchObject([{ number: 7, kind: 'autre', status: 'projet' }]);
  });

  it('anonymises past the end plus retention those seated in no live convention, keeping decisions', async () => {
    const [gone, stays] = [held.members[0]!, held.members[1]!];
    const admin = await db.prisma.person.create({
      data: { email: 'admin.rgpd@example.org', displayName: 'Admin', admin: true },
    });
    // Someone still seated in a running convention keeps their name.
    const live = await createTestConvention(db.prisma);
    const instance = await db.prisma.instance.create({
      data: { conventionId: live.id, slug: 'copil', kind: 'copil', name: 'COPIL' },
    });
    await db.prisma.membership.create({ data: { instanceId: instance.id, personId: stays.id, role: 'membre' } });
    await db.prisma.membership.create({
      data: {
        instanceId: (await db.prisma.instance.findFirstOrThrow({ where: { conventionId } })).id,
        personId: admin.id,
        role: 'membre',
      },
    });
    await db.prisma.convention.update({
      where: { id: conventionId },
      data: { endDate: new Date('2025-12-31'), retentionDays: 30 },
    });
    const decisionsBefore = await db.prisma.decision.count();
    const actor = 'systeme:conservation';
    // What they recorded on the signature path, and the avenant they proposed.
    await db.prisma.signatureStep.create({
      data: {
        conventionId,
        version: 0,
        step: 'validation',
        party: 'caf',
        date: new Date('2025-10-20'),
        reference: 'CA-2025-10',
        // As typed by whoever recorded it: the same address, another case.
        recordedBy: gone.email.toUpperCase(),
      },
    });
    await db.prisma.amendment.create({
      data: { conventionId, number: 1, title: 'Avenant n° 1', status: 'projet', proposedBy: gone.email },
    });
    await db.prisma.auditEvent.create({
      data: {
        actor: gone.email.toUpperCase(),
        action: 'fiche.comment',
        subject: 'fiche:x',
        at: new Date('2025-11-02T10:00:00Z'),
        details: {
          note: `Relu par ${gone.email.toUpperCase()} (${gone.displayName.toLowerCase()})`,
        },
      },
    });

    expect(
      await store.privacy.anonymiseDeparted({ conventionId, now: new Date('2026-01-30T12:00:00Z'), actor }),
    ).toBeNull();
    expect(await db.prisma.person.count({ where: { anonymisedAt: { not: null } } })).toBe(0);

    const result = await store.privacy.anonymiseDeparted({
      conventionId,
      now: new Date('2026-02-01T00:00:00Z'),
      actor,
    });
    expect(result!.anonymised).toContain(gone.id);
    expect(result!.anonymised).not.toContain(stays.id);
    expect(result!.anonymised).not.toContain(admin.id);

    const pseudo = pseudonymOf(gone.id);
    expect(await db.prisma.person.findUniqueOrThrow({ where: { id: gone.id } })).toMatchObject({
      email: pseudo.email,
      displayName: pseudo.displayName,
      phone: null,
    });
    expect(await db.prisma.person.findUniqueOrThrow({ where: { id: stays.id } })).toMatchObject({
      email: stays.email,
      displayName: stays.displayName,
      anonymisedAt: null,
    });
    expect((await db.prisma.person.findUniqueOrThrow({ where: { id: admin.id } })).email).toBe(admin.email);
    // Decisions, votes and the audit log stay, under the pseudonym; nothing keeps the old address.
    expect(await db.prisma.decision.count()).toBe(decisionsBefore);
    const decision = await db.prisma.decision.findFirstOrThrow({ where: { meetingId: held.meeting.id } });
    expect(decision.actorEmail).toBe(pseudo.email);
    expect(decision.comment).toContain(pseudo.displayName);
    expect(decision.comment).not.toContain(gone.displayName);
    expect(await db.prisma.vote.count({ where: { voterEmail: pseudo.email } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { actor: { equals: gone.email, mode: 'insensitive' } } })).toBe(0);
    const quoting = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'fiche.comment' } });
    expect(quoting.details).toEqual({ note: `Relu par ${pseudo.email} (${pseudo.displayName})` });
    expect(await db.prisma.notification.count({ where: { recipient: gone.email } })).toBe(0);
    expect(await db.prisma.apiToken.count({ where: { personId: gone.id } })).toBe(0);
    expect(await db.prisma.session.count({ where: { personId: gone.id } })).toBe(0);
    expect(await db.prisma.poll.count({ where: { organizerEmail: pseudo.email } })).toBe(1);
    // With those of the export's test, by the same person.
    expect(await db.prisma.signatureStep.count({ where: { recordedBy: pseudo.email } })).toBe(2);
    expect(await db.prisma.amendment.count({ where: { proposedBy: pseudo.email } })).toBe(2);
    // Audited: one line per person, one for the run, by the retention workflow.
    const lines = await db.prisma.auditEvent.findMany({ where: { action: 'person.anonymise' } });
    expect(lines.map((l) => l.subject).sort()).toEqual(result!.anonymised.map((id) => `person:${id}`).sort());
    expect(lines.every((l) => l.actor === actor && !JSON.stringify(l.details).includes(gone.email))).toBe(true);
    expect(await db.prisma.auditEvent.count({ where: { action: 'convention.anonymise' } })).toBe(1);
    expect((await store.privacy.findRetention(conventionId)).anonymisedAt).toBe('2026-02-01T00:00:00.000Z');
  });
});

import type { PrismaClient } from '../../generated/prisma/client.js';

/**
 * Everything Concerto holds about one person (RGPD, right of access), as JSON: the person's row,
 * their seats, their answers to invitations and date polls, the opinions and decisions they
 * recorded, the steps of a signature path they recorded and the avenants they proposed, the mails
 * addressed to them, the audit lines where they act, their tokens and sessions (metadata only: only
 * the tokens' hashes are kept, and those are left out) and calendar feeds.
 */
export async function exportPersonData(db: PrismaClient, personId: string) {
  const person = await db.person.findUniqueOrThrow({
    where: { id: personId },
    select: {
      id: true,
      email: true,
      displayName: true,
      title: true,
      phone: true,
      admin: true,
      mailRefusedAt: true,
      mailRefusal: true,
      anonymisedAt: true,
      createdAt: true,
      updatedAt: true,
      structure: { select: { slug: true, name: true } },
    },
  });
  const { email } = person;
  const [
    memberships,
    invitations,
    pollAnswers,
    decisions,
    audit,
    notifications,
    apiTokens,
    sessions,
    feedSubscriptions,
    pilotedFiches,
    signatureSteps,
    proposedAmendments,
  ] = await Promise.all([
    db.membership.findMany({
      where: { personId },
      orderBy: { createdAt: 'asc' },
      select: {
        role: true,
        seat: true,
        createdAt: true,
        structure: { select: { name: true } },
        instance: { select: { name: true, kind: true, convention: { select: { slug: true, name: true } } } },
      },
    }),
    db.invitation.findMany({
      where: { personId },
      orderBy: { meeting: { startsAt: 'asc' } },
      select: {
        role: true,
        partstat: true,
        respondedAt: true,
        rsvpSource: true,
        attendance: true,
        meeting: { select: { id: true, title: true, startsAt: true } },
      },
    }),
    db.vote.findMany({
      where: { voterEmail: { equals: email, mode: 'insensitive' } },
      orderBy: { updatedAt: 'asc' },
      select: {
        answer: true,
        volunteer: true,
        updatedAt: true,
        option: { select: { label: true, startsAt: true, poll: { select: { key: true, title: true } } } },
      },
    }),
    db.decision.findMany({
      where: { actorEmail: email },
      orderBy: { decidedAt: 'asc' },
      select: {
        stage: true,
        outcome: true,
        comment: true,
        actorRole: true,
        decidedAt: true,
        fiche: { select: { code: true } },
      },
    }),
    db.auditEvent.findMany({
      where: { actor: email },
      orderBy: { at: 'asc' },
      select: { action: true, subject: true, details: true, at: true },
    }),
    db.notification.findMany({
      where: { recipient: { equals: email, mode: 'insensitive' } },
      orderBy: { createdAt: 'asc' },
      select: { subject: true, status: true, sentAt: true, createdAt: true, partstat: true },
    }),
    db.apiToken.findMany({
      where: { personId },
      select: { label: true, createdAt: true, expiresAt: true, lastUsedAt: true },
    }),
    db.session.findMany({ where: { personId }, select: { createdAt: true, expiresAt: true } }),
    db.feedSubscription.findMany({
      where: { personId },
      select: {
        kind: true,
        createdAt: true,
        revokedAt: true,
        convention: { select: { slug: true } },
        instance: { select: { name: true } },
      },
    }),
    db.ficheVersion.findMany({
      where: { piloteId: personId },
      select: { version: true, title: true, fiche: { select: { code: true } } },
    }),
    db.signatureStep.findMany({
      where: { recordedBy: { equals: email, mode: 'insensitive' } },
      orderBy: [{ date: 'asc' }, { recordedAt: 'asc' }],
      select: {
        version: true,
        step: true,
        party: true,
        date: true,
        reference: true,
        recordedAt: true,
        convention: { select: { slug: true, name: true } },
      },
    }),
    db.amendment.findMany({
      where: { proposedBy: { equals: email, mode: 'insensitive' } },
      orderBy: { number: 'asc' },
      select: {
        number: true,
        kind: true,
        status: true,
        title: true,
        description: true,
        createdAt: true,
        convention: { select: { slug: true, name: true } },
      },
    }),
  ]);
  // A partner's opinion is a step of the fiche's lifecycle, kept in its audit line.
  const opinions = audit.filter((line) => line.action === 'fiche.recordPartnerOpinion');
  return {
    person,
    memberships,
    invitations,
    pollAnswers,
    opinions,
    decisions,
    pilotedFiches,
    signatureSteps,
    proposedAmendments,
    notifications,
    audit,
    apiTokens,
    sessions,
    feedSubscriptions,
  };
}

/** What {@link exportPersonData} answers. */
export type PersonDataExport = Awaited<ReturnType<typeof exportPersonData>>;

/**
 * The calendar feed addresses a person holds (« Mes agendas »): one for their own meetings, one per
 * convention they sit in, one per instance they sit in. Each is a row whose id the address's token
 * names (infra/links/feed-urls.ts), so each can be revoked on its own: a revoked one answers 410,
 * and renewing revokes it and gives a new address for the same feed.
 */
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

export type FeedKind = 'person' | 'convention' | 'instance';

/** A feed subscription as its owner's page and the API list it. */
export interface FeedSubscriptionView {
  id: string;
  kind: FeedKind;
  /** The person it was given to. */
  email: string;
  convention: { id: string; slug: string; name: string } | null;
  instance: { id: string; slug: string; name: string } | null;
  createdAt: Date;
  revokedAt: Date | null;
}

const SELECT = {
  id: true,
  kind: true,
  createdAt: true,
  revokedAt: true,
  person: { select: { email: true } },
  convention: { select: { id: true, slug: true, name: true } },
  instance: { select: { id: true, slug: true, name: true } },
} as const satisfies Prisma.FeedSubscriptionSelect;

type Row = Prisma.FeedSubscriptionGetPayload<{ select: typeof SELECT }>;

const view = (row: Row): FeedSubscriptionView => ({
  id: row.id,
  kind: row.kind as FeedKind,
  email: row.person.email,
  convention: row.convention,
  instance: row.instance,
  createdAt: row.createdAt,
  revokedAt: row.revokedAt,
});

/** A feed of a person: what a subscription is to, whichever address it has now. */
interface FeedSlot {
  personId: string;
  kind: FeedKind;
  conventionId: string | null;
  instanceId: string | null;
}

/** The key only the subscription in use of a slot holds (unique): two at once cannot be in use. */
const activeKey = (slot: FeedSlot) => `${slot.personId}:${slot.kind}:${slot.instanceId ?? slot.conventionId ?? ''}`;

const sameSlot = (slot: FeedSlot) => ({
  personId: slot.personId,
  kind: slot.kind,
  conventionId: slot.conventionId,
  instanceId: slot.instanceId,
});

/** The feeds the person may subscribe to today: their own, and those of the conventions and instances they sit in. */
async function slotsOf(prisma: PrismaClient, personId: string): Promise<FeedSlot[]> {
  const seats = await prisma.membership.findMany({
    where: { personId },
    select: { instance: { select: { id: true, conventionId: true } } },
  });
  const conventions = [...new Set(seats.map((s) => s.instance.conventionId))];
  return [
    { personId, kind: 'person', conventionId: null, instanceId: null },
    ...conventions.map((conventionId): FeedSlot => ({ personId, kind: 'convention', conventionId, instanceId: null })),
    ...seats.map(({ instance }): FeedSlot => ({
      personId,
      kind: 'instance',
      conventionId: instance.conventionId,
      instanceId: instance.id,
    })),
  ];
}

/**
 * The person's feeds, each with its latest subscription (in use, or revoked and not renewed); a
 * feed never subscribed to gets its first address here. Their own feed first, then by convention
 * (its own feed before its instances'), by name.
 */
export async function listFeedSubscriptions(prisma: PrismaClient, personId: string): Promise<FeedSubscriptionView[]> {
  const slots = await slotsOf(prisma, personId);
  const existing = await prisma.feedSubscription.findMany({
    where: { personId },
    orderBy: { createdAt: 'desc' },
    select: { ...SELECT, conventionId: true, instanceId: true },
  });
  // The one in use, else the last revoked.
  const latest = (slot: FeedSlot) => {
    const ofSlot = existing.filter(
      (s) => s.kind === slot.kind && s.conventionId === slot.conventionId && s.instanceId === slot.instanceId,
    );
    return ofSlot.find((s) => s.revokedAt === null) ?? ofSlot[0];
  };
  const missing = slots.filter((slot) => !latest(slot));
  if (missing.length) {
    // Two first visits at once: the unique key in use lets one row per feed in.
    await prisma.feedSubscription.createMany({
      data: missing.map((slot) => ({ ...sameSlot(slot), activeKey: activeKey(slot) })),
      skipDuplicates: true,
    });
    return listFeedSubscriptions(prisma, personId);
  }
  const order = (v: FeedSubscriptionView) =>
    v.kind === 'person' ? '' : `${v.convention?.name ?? ''}\u0000${v.instance ? `1${v.instance.name}` : '0'}`;
  return slots.map((slot) => view(latest(slot)!)).sort((a, b) => order(a).localeCompare(order(b), 'fr'));
}

/** The subscription of that id, whoever holds it (the feed reads it), or null. */
export async function findFeedSubscription(prisma: PrismaClient, id: string): Promise<FeedSubscriptionView | null> {
  const row = await prisma.feedSubscription.findUnique({ where: { id }, select: SELECT });
  return row ? view(row) : null;
}

/** Revokes one of the person's subscriptions (once: a second revocation keeps the first date); null when not theirs. */
export async function revokeFeedSubscription(
  prisma: PrismaClient,
  input: { personId: string; id: string; at: Date },
): Promise<FeedSubscriptionView | null> {
  await prisma.feedSubscription.updateMany({
    where: { id: input.id, personId: input.personId, revokedAt: null },
    data: { revokedAt: input.at, activeKey: null },
  });
  const row = await prisma.feedSubscription.findFirst({
    where: { id: input.id, personId: input.personId },
    select: SELECT,
  });
  return row ? view(row) : null;
}

/**
 * A new address for the feed of one of the person's subscriptions: the one in use for that feed
 * (this one or a later one) is revoked in the same transaction. Null when the subscription is not theirs.
 */
export async function renewFeedSubscription(
  prisma: PrismaClient,
  input: { personId: string; id: string; at: Date },
): Promise<FeedSubscriptionView | null> {
  return prisma.$transaction(async (tx) => {
    const old = await tx.feedSubscription.findFirst({
      where: { id: input.id, personId: input.personId },
      select: { personId: true, kind: true, conventionId: true, instanceId: true },
    });
    if (!old) return null;
    const slot = { ...old, kind: old.kind as FeedKind };
    await tx.feedSubscription.updateMany({
      where: { ...sameSlot(slot), revokedAt: null },
      data: { revokedAt: input.at, activeKey: null },
    });
    const created = await tx.feedSubscription.create({
      data: { ...sameSlot(slot), activeKey: activeKey(slot), createdAt: input.at },
      select: SELECT,
    });
    return view(created);
  });
}

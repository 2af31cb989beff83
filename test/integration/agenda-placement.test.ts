import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../store/database/open-database.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { createStore, type Store } from '../../store/index.js';
import { openTestDatabase } from '../helpers/database.js';

// PostgreSQL: its transactions run side by side, where PGlite's single connection takes them in turn.
describe('fiches reaching one ordre du jour at once, on PostgreSQL', () => {
  let db: Database;
  let store: Store;
  let conventionId: string;
  let meetingId: string;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    store = createStore(db.prisma);
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    const cotech = await db.prisma.instance.findUniqueOrThrow({
      where: { conventionId_slug: { conventionId, slug: 'cotech' } },
    });
    const startsAt = new Date(Date.now() + 30 * 86_400_000);
    meetingId = (
      await db.prisma.meeting.create({
        data: {
          conventionId,
          instanceId: cotech.id,
          title: 'COTECH de placement',
          startsAt,
          endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
          status: 'planifiee',
          icalUid: `${randomUUID()}@concerto`,
        },
      })
    ).id;
  }, 120_000);

  afterAll(async () => {
    await db?.close();
  });

  it('gives each of twelve fiches its own place, with a free item added meanwhile', async () => {
    const fiches = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const ficheId = `fiche-${randomUUID()}`;
        await store.fiches.save({
          ficheId,
          conventionId,
          title: `Fiche simultanée ${i + 1}`,
          authorEmail: 'gtt@example.org',
          workflowId: `fiche-${ficheId}`,
          status: 'soumise',
        });
        return ficheId;
      }),
    );
    const after = new Date().toISOString();
    const placements = await Promise.all([
      ...fiches.map((ficheId) =>
        store.meetings.putFicheOnNextAgenda({ conventionId, ficheId, version: 1, instanceKind: 'cotech', after }),
      ),
      store.meetings.addFreeAgendaItem({ meetingId, item: { title: 'Questions diverses' } }),
    ]);
    expect(placements.slice(0, 12).map((p) => p && { meetingId: p.meetingId, added: p.added })).toEqual(
      fiches.map(() => ({ meetingId, added: true })),
    );
    const agenda = await db.prisma.agendaItem.findMany({ where: { meetingId }, orderBy: { position: 'asc' } });
    expect(agenda.map((item) => item.position)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(new Set(agenda.map((item) => item.ficheId).filter(Boolean))).toEqual(new Set(fiches));
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { listFiches } from '../../store/fiches/list-fiches.js';
import { findMeetingForMail } from '../../store/meetings/find-meeting-for-mail.js';
import { listMeetingsBetween } from '../../store/meetings/list-meetings-between.js';
import { recordRsvp } from '../../store/meetings/record-rsvp.js';
import { createTestConvention } from '../helpers/convention.js';
import { openTestDatabase } from '../helpers/database.js';
import { seedConventionAtScale } from '../helpers/scale-seed.js';

// The board's and the calendar's queries, as Prisma sends them, read by PostgreSQL's planner on
// tables large enough for an index to pay: a convention of 2,000 fiches and a year of 3,000
// meetings among others' 20,000 fiches, with a département's ledger (three mails an invitation)
// and a decision a fiche. No timing here (bench/pages.ts measures): the plan only.
// (The fiches' latest versions come in one query by an IN list of the 2,000 fiches: at a tenth of
// the table the planner rightly prefers a sequential scan there, so it is not asserted.)

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of the plan that reads `relation`, or an index of it. */
function readsOf(plan: PlanNode, relation: string, indexes: Set<string>): PlanNode[] {
  const own = plan['Relation Name'] === relation || indexes.has(plan['Index Name'] ?? '') ? [plan] : [];
  return [...own, ...(plan.Plans ?? []).flatMap((child) => readsOf(child, relation, indexes))];
}

/** The plan reads `relation` through `index`, and never by a sequential scan. */
function expectReadThrough(plan: PlanNode, relation: string, index: string): void {
  const reads = readsOf(plan, relation, new Set([index]));
  expect(reads.map((node) => node['Node Type'])).not.toContain('Seq Scan');
  expect(reads.map((node) => node['Index Name'])).toContain(index);
}

/** A Prisma client that tells each query it sends. */
function loggedClient(url: string) {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url }),
    log: [{ emit: 'event', level: 'query' }],
  });
}

describe('the indexes the board, the calendar, an answer and a meeting read through', () => {
  let db: Database & { url?: string };
  let logged: ReturnType<typeof loggedClient>;
  let admin: pg.Client;
  let conventionId: string;
  const queries: Array<{ sql: string; params: unknown[] }> = [];
  const year = 2026;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    await seedConventionAtScale(db.prisma, conventionId, { fiches: 2_000, meetings: 3_000, year });
    const other = await createTestConvention(db.prisma);
    await seedConventionAtScale(db.prisma, other.id, { fiches: 20_000, meetings: 0, year });
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    // The ledger of the year's invitations (the convocation, its reminder, the relevé), and a decision a fiche.
    await admin.query(`
      INSERT INTO "Notification" ("id", "idempotencyKey", "workflowId", "recipient", "subject", "messageId",
        "status", "icalUid", "icalSequence", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), m."id" || ':' || n || ':' || p."email", 'meeting-' || m."id", p."email", 'Convocation',
        '<' || gen_random_uuid() || '@concerto.scale>', 'sent', m."icalUid", n - 1, now(), now()
      FROM "Invitation" i JOIN "Meeting" m ON m."id" = i."meetingId" JOIN "Person" p ON p."id" = i."personId",
        generate_series(1, 3) AS n`);
    await admin.query(`
      INSERT INTO "Decision" ("id", "idempotencyKey", "ficheId", "meetingId", "stage", "outcome", "actorEmail",
        "actorRole", "decidedAt")
      SELECT gen_random_uuid(), 'scale:' || f."id", f."id", m."id", 'cotech', 'favorable', 'secretaire@example.org',
        'secretaire', m."startsAt"
      FROM (SELECT "id", row_number() OVER (ORDER BY "id") AS k FROM "FicheAction") f
      JOIN (SELECT "id", "startsAt", row_number() OVER (ORDER BY "id") - 1 AS k FROM "Meeting") m
        ON m.k = f.k % (SELECT count(*) FROM "Meeting")`);
    await admin.query('ANALYZE');
    logged = loggedClient(db.url!);
    logged.$on('query', (event) => queries.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] }));
  }, 180_000);

  afterAll(async () => {
    await logged?.$disconnect();
    await admin?.end();
    await db?.close();
  });

  /** The plans of the reads and updates `read` sends that touch `relation`. */
  async function plansOf(relation: string, read: () => Promise<unknown>): Promise<PlanNode[]> {
    queries.length = 0;
    await read();
    const touching = queries.filter((q) => q.sql.includes(`"${relation}"`) && /^\s*(SELECT|UPDATE)\b/.test(q.sql));
    expect(touching.length).toBeGreaterThan(0);
    // One after the other: a pg client runs one query at a time (queueing them is deprecated).
    const plans: PlanNode[] = [];
    for (const { sql, params } of touching) {
      const { rows } = await admin.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        params,
      );
      plans.push(rows[0]!['QUERY PLAN'][0]!.Plan);
    }
    return plans;
  }

  it("reads the board's fiches of one convention by its (convention, code) index", async () => {
    const [plan] = await plansOf('FicheAction', () => listFiches(logged, conventionId));
    expectReadThrough(plan!, 'FicheAction', 'FicheAction_conventionId_code_key');
  });

  it("reads a month of the calendar's meetings by the (convention, start) index", async () => {
    const [plan] = await plansOf('Meeting', () =>
      listMeetingsBetween(logged, conventionId, {
        from: new Date(Date.UTC(year, 5, 1)),
        to: new Date(Date.UTC(year, 6, 1)),
      }),
    );
    expectReadThrough(plan!, 'Meeting', 'Meeting_conventionId_startsAt_idx');
  });

  /** A seeded meeting that has decisions, and one of its invited people. */
  async function aMeetingWithAGuest(): Promise<{ meetingId: string; email: string }> {
    const { rows } = await admin.query<{ meetingId: string; email: string }>(`
      SELECT i."meetingId", p."email" FROM "Invitation" i JOIN "Person" p ON p."id" = i."personId"
      WHERE EXISTS (SELECT 1 FROM "Decision" d WHERE d."meetingId" = i."meetingId") LIMIT 1`);
    return rows[0]!;
  }

  it("updates an answer's ledger lines by the invitation's UID, not by reading the whole ledger", async () => {
    const { meetingId, email } = await aMeetingWithAGuest();
    const plans = await plansOf('Notification', () =>
      recordRsvp(logged, { meeting: { id: meetingId }, email, partstat: 'ACCEPTED', source: 'link', at: new Date() }),
    );
    // The latest SEQUENCE sent to the person, then its lines' answer.
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const plan of plans) {
      expectReadThrough(plan, 'Notification', 'Notification_icalUid_idx');
    }
  });

  it("reads a meeting's decisions, for its relevé and its page, by their meeting", async () => {
    const { meetingId } = await aMeetingWithAGuest();
    const [plan] = await plansOf('Decision', () => findMeetingForMail(logged, meetingId));
    expectReadThrough(plan!, 'Decision', 'Decision_meetingId_idx');
  });
});

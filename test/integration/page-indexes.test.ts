import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { listFiches } from '../../store/fiches/list-fiches.js';
import { listMeetingsBetween } from '../../store/meetings/list-meetings-between.js';
import { createTestConvention } from '../helpers/convention.js';
import { openTestDatabase } from '../helpers/database.js';
import { seedConventionAtScale } from '../helpers/scale-seed.js';

// The board's and the calendar's queries, as Prisma sends them, read by PostgreSQL's planner on
// tables large enough for an index to pay: a convention of 2,000 fiches and a year of 3,000
// meetings among others' 20,000 fiches. No timing here (bench/pages.ts measures): the plan only.
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

/** A Prisma client that tells each query it sends. */
function loggedClient(url: string) {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url }),
    log: [{ emit: 'event', level: 'query' }],
  });
}

describe('the indexes the board and the calendar read through', () => {
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
    await admin.query('ANALYZE');
    logged = loggedClient(db.url!);
    logged.$on('query', (event) => queries.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] }));
  }, 180_000);

  afterAll(async () => {
    await logged?.$disconnect();
    await admin?.end();
    await db?.close();
  });

  /** The plans of the queries `read` sends that touch `relation`. */
  async function plansOf(relation: string, read: () => Promise<unknown>): Promise<PlanNode[]> {
    queries.length = 0;
    await read();
    const touching = queries.filter((q) => q.sql.includes(`"${relation}"`) && q.sql.trimStart().startsWith('SELECT'));
    expect(touching.length).toBeGreaterThan(0);
    return Promise.all(
      touching.map(async ({ sql, params }) => {
        const { rows } = await admin.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
          `EXPLAIN (FORMAT JSON) ${sql}`,
          params,
        );
        return rows[0]!['QUERY PLAN'][0]!.Plan;
      }),
    );
  }

  it("reads the board's fiches of one convention by its (convention, code) index", async () => {
    const index = 'FicheAction_conventionId_code_key';
    const [plan] = await plansOf('FicheAction', () => listFiches(logged, conventionId));
    const reads = readsOf(plan!, 'FicheAction', new Set([index]));
    expect(reads.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(reads.map((node) => node['Index Name'])).toContain(index);
  });

  it("reads a month of the calendar's meetings by the (convention, start) index", async () => {
    const index = 'Meeting_conventionId_startsAt_idx';
    const [plan] = await plansOf('Meeting', () =>
      listMeetingsBetween(logged, conventionId, {
        from: new Date(Date.UTC(year, 5, 1)),
        to: new Date(Date.UTC(year, 6, 1)),
      }),
    );
    const reads = readsOf(plan!, 'Meeting', new Set([index]));
    expect(reads.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(reads.map((node) => node['Index Name'])).toContain(index);
  });
});

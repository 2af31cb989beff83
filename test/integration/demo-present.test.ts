/**
 * The demo brought to life (client/live-demo.ts) through POST /api/demo on the dev server, with PGlite, the real
 * worker and a mail catcher: the convention's feed read by ical.js, the fiches' stages by the API, the poll, the
 * answers and the mail by the store and the catcher; then loaded again, which adds nothing.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LivingDemoSummary } from '../../client/load-living-demo.js';
import type { FicheState } from '../../domain/fiche-views.js';
import { calendarOfYear } from '../../domain/meeting-recurrence.js';
import { convocationDelayFor, earliestMeetingDay } from '../../domain/meeting-rules.js';
import { REFERENCE_CHARTER, type InstanceKind } from '../../domain/charter.js';
import { atLocalTime, fromLocal, toLocal } from '../../domain/paris-time.js';
import { conventionFeedUrl } from '../../infra/links/feed-urls.js';
import { buildHttpApp } from '../../server/app.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { findMeetingRules } from '../../store/conventions/save-meeting-rules.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { calendarWorkflowId } from '../../workflows/calendar-definitions.js';
import { tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { TEST_LINKS, devServerEnv } from '../helpers/temporal.js';
import { eventually } from '../helpers/time-skipping.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';

const ZONE = 'Europe/Paris';
/**
 * The instant the demo is loaded at, fixed for the rest of the test. It is the wall clock's when it loads: the
 * workflows run on the dev server's clock, which cannot be moved, and the day's sessions happen on it.
 */
let NOW = new Date();

/** The first instant of the quarter `offset` quarters after NOW's, in Paris. */
function quarterStart(offset: number): Date {
  const local = toLocal(NOW, ZONE);
  const index = local.year * 4 + Math.floor((local.month - 1) / 3) + offset;
  return fromLocal({ year: Math.floor(index / 4), month: (index % 4) * 3 + 1, day: 1, hour: 0, minute: 0 }, ZONE);
}

describe('a demo that lives in the present (dev server, PGlite, mail catcher)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let app: FastifyInstance;
  let admin: AuthHeaders;
  let loaded: LivingDemoSummary;
  let conventionId: string;

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('pglite')]);
    stack = await startTestWorker(env, db, 'demo-present');
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: stack.taskQueue,
      catcher: stack.catcher,
      rsvp: { ...TEST_LINKS, now: () => NOW },
      feeds: { organizerEmail: 'concerto@example.org' },
      probes: { temporal: async () => {}, database: () => db.ping() },
    });
    await db.prisma.person.create({ data: { email: 'admin@example.org', displayName: 'Admin', admin: true } });
    admin = await tokenFor(db.prisma, 'admin@example.org');
  });

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  it('loads a living CTG dated from now, within two minutes', { timeout: 240_000 }, async () => {
    NOW = new Date();
    const started = performance.now();
    const response = await app.inject({ method: 'POST', url: '/api/demo', headers: admin });
    const seconds = (performance.now() - started) / 1000;
    expect(response.statusCode, response.body).toBe(200);
    loaded = response.json<LivingDemoSummary>();
    console.info(`demo loaded in ${seconds.toFixed(1)} s (its living part: ${loaded.live.seconds} s)`);
    expect(loaded).toMatchObject({ slug: DEMO_CONVENTION_SLUG, updated: 0, removed: 0 });
    expect(loaded.created).toBeGreaterThan(100);
    // Four members answer each of the first four meetings ahead (three, on a date when only three lie ahead).
    expect(loaded.live).toMatchObject({ animated: true, fiches: 9, votes: 3 });
    expect([12, 16]).toContain(loaded.live.answers);
    expect(seconds).toBeLessThan(120);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    expect(await db.prisma.meeting.count({ where: { conventionId } })).toBe(loaded.live.meetings);
  });

  it('has this quarter’s and the next’s COTECH, COPIL and Bureau meetings in the convention’s feed', async () => {
    const url = new URL(
      conventionFeedUrl({
        ...TEST_LINKS,
        convention: { id: conventionId, slug: DEMO_CONVENTION_SLUG },
        email: 'assistante.education@example.org',
        now: NOW,
      }),
    );
    const feed = await app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(feed.statusCode, feed.body).toBe(200);
    const events = new ICAL.Component(ICAL.parse(feed.body)).getAllSubcomponents('vevent').map((event) => ({
      summary: String(event.getFirstPropertyValue('summary')),
      start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate(),
    }));
    const [thisQuarter, nextQuarter, after] = [quarterStart(0), quarterStart(1), quarterStart(2)];
    const bodies = (from: Date, to: Date) =>
      [
        ...new Set(
          events
            .filter((e) => e.start >= from && e.start < to)
            .map((e) => /COTECH|COPIL|Bureau communautaire/.exec(e.summary)?.[0]),
        ),
      ].sort();
    // The day's three sessions are this quarter's at least.
    expect(bodies(thisQuarter, nextQuarter)).toEqual(['Bureau communautaire', 'COPIL', 'COTECH']);

    // Next quarter: every meeting the setup's rules give whose legal delay, counted from now, is respected.
    const rules = await findMeetingRules(db.prisma, conventionId);
    const years = [...new Set([toLocal(nextQuarter, ZONE).year, toLocal(after, ZONE).year])];
    const kinds: Record<string, InstanceKind> = {
      cotech: 'cotech',
      copil: 'copil',
      'bureau-communautaire': 'bureau_communautaire',
    };
    const expected = years
      .flatMap((year) => calendarOfYear(rules, year, 'A'))
      .map((g) => ({ instance: g.instance, start: atLocalTime(g.day, g.hour, g.minute, ZONE) }))
      .filter(({ instance, start }) => {
        const delay = convocationDelayFor(REFERENCE_CHARTER, kinds[instance]!, null);
        return start >= nextQuarter && start < after && start >= earliestMeetingDay(NOW, delay, ZONE);
      })
      .map(({ start }) => start.toISOString());
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(
      events
        .filter((e) => e.start >= nextQuarter && e.start < after)
        .map((e) => e.start.toISOString())
        .sort(),
    ).toEqual(expected.sort());
    expect(bodies(nextQuarter, after)).toEqual(expect.arrayContaining(['Bureau communautaire', 'COPIL']));
  });

  it('has fiches at every stage of the lifecycle, read through the API', { timeout: 120_000 }, async () => {
    const fiches = await db.prisma.ficheAction.findMany({ where: { conventionId }, select: { id: true } });
    const states = await Promise.all(
      fiches.map(async ({ id }) =>
        (await app.inject({ method: 'GET', url: `/api/fiches/${id}`, headers: admin })).json<FicheState>(),
      ),
    );
    const stageOf = ({ lifecycle }: FicheState): string => {
      const { stage, review, history } = lifecycle;
      if (stage === 'en_oeuvre') return review ? `avenant ${review.stage}` : 'validée par le Bureau';
      if (stage === 'attente_copil')
        return Object.keys(review!.partnerOpinions).length === 2 ? 'avis du COTECH' : 'en attente CAF/MSA';
      if (stage === 'attente_bureau') return 'décidée par le COPIL';
      if (stage === 'brouillon' && history.some((h) => h.outcome === 'a_retravailler')) return 'à retravailler';
      return stage;
    };
    expect(states.map(stageOf).sort()).toEqual(
      [
        'brouillon',
        'soumise',
        'avis du COTECH',
        'en attente CAF/MSA',
        'décidée par le COPIL',
        'validée par le Bureau',
        'à retravailler',
        'retiree',
        'avenant soumise',
      ].sort(),
    );
    // Those waiting for a body go on the agenda of its next meeting, one the rules gave (not the day's session).
    const waiting = states.filter((s) =>
      ['soumise', 'attente_copil', 'attente_bureau'].includes(s.lifecycle.review?.stage ?? ''),
    );
    expect(waiting).toHaveLength(5);
    for (const { ficheId } of waiting) {
      const agenda = await eventually(
        async () =>
          (await app.inject({ method: 'GET', url: `/api/fiches/${ficheId}`, headers: admin })).json<FicheState>()
            .agenda,
        `the agenda of fiche ${ficheId}`,
        60_000,
      );
      expect(new Date(agenda.startsAt).getTime()).toBeGreaterThan(NOW.getTime());
    }
  });

  it('has a date poll open after now with votes, answered invitations and the mail sent', async () => {
    const polls = await db.prisma.poll.findMany({
      where: { conventionId, status: 'ouvert', workflowId: { not: null } },
      include: { options: { include: { votes: true } } },
    });
    expect(polls).toHaveLength(1);
    const [poll] = polls;
    expect(poll!.deadline!.getTime()).toBeGreaterThan(NOW.getTime());
    expect(poll!.options.every((o) => o.startsAt > poll!.deadline!)).toBe(true);
    expect(poll!.options.flatMap((o) => o.votes).length).toBe(9);

    const answers = await db.prisma.invitation.groupBy({
      by: ['partstat'],
      where: { meeting: { conventionId }, respondedAt: { not: null } },
      _count: true,
    });
    const quarter = loaded.live.answers / 4;
    expect(Object.fromEntries(answers.map((a) => [a.partstat, a._count]))).toEqual({
      ACCEPTED: 2 * quarter,
      DECLINED: quarter,
      TENTATIVE: quarter,
    });

    // The poll's workflow mails its voters on its own time: waited for, not read at once.
    const subjects = await eventually(async () => {
      const all = (await stack.catcher.list()).map((m) => m.subject);
      return all.some((s) => s.startsWith('Sondage de date : Journée bilan annuel de la CTG')) && all;
    }, 'the date poll’s mail');
    const count = (prefix: string) => subjects.filter((s) => s.startsWith(prefix)).length;
    expect(count('Convocation : ')).toBeGreaterThan(loaded.live.meetings);
    expect(count('Relevé de décisions : ')).toBeGreaterThan(0);
    expect(count('Sondage de date : Journée bilan annuel de la CTG')).toBeGreaterThan(0);
  });

  it('adds nothing when loaded again, and its calendar runs without doubling a meeting', async () => {
    const again = await app.inject({ method: 'POST', url: '/api/demo', headers: admin });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<LivingDemoSummary>()).toMatchObject({
      created: 0,
      updated: 0,
      removed: 0,
      live: { animated: false, meetings: 0, fiches: 0 },
    });
    expect(await db.prisma.ficheAction.count({ where: { conventionId } })).toBe(9);
    // Each demo fiche is drafted by one of the three GTTs, whose members alone are told of its steps.
    const byGtt = await db.prisma.ficheAction.groupBy({ by: ['gttId'], where: { conventionId }, _count: true });
    expect(byGtt.map((g) => g._count).sort()).toEqual([3, 3, 3]);
    expect(byGtt.every((g) => g.gttId !== null)).toBe(true);
    const described = await env.client.workflow.getHandle(calendarWorkflowId(conventionId)).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(await db.prisma.meeting.count({ where: { conventionId } })).toBe(loaded.live.meetings);
  });
});

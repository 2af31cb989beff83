import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRetention } from '../../client/start-retention.js';
import { pseudonymOf } from '../../store/privacy/anonymise-departed.js';
import { RETENTION_ACTOR, retentionStateQuery } from '../../workflows/retention-definitions.js';
import { startDemoStack, type DemoStack } from '../helpers/demo-stack.js';
import { eventually, sleepUntil } from '../helpers/time-skipping.js';

// A convention's retention workflow on a time-skipping server of its own: it waits out the
// convention's end plus its retention period (a prolongation moves that), then anonymises its
// people, decisions kept, and ends.

const DAY = 86_400_000;

describe('retentionWorkflow (time-skipping server, PGlite with the demo)', () => {
  let stack: DemoStack;

  beforeAll(async () => {
    stack = await startDemoStack('retention');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('anonymises once the prolonged end plus the retention period has passed, not at the first date', async () => {
    const { env, db, conventionId } = stack;
    const now = await env.currentTimeMs();
    const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    // The convention ends in 60 days, its personal data kept 30 more.
    await db.prisma.convention.update({
      where: { id: conventionId },
      data: { endDate: new Date(`${dayKey(now + 60 * DAY)}T00:00:00Z`), retentionDays: 30 },
    });
    const member = await db.prisma.person.findUniqueOrThrow({ where: { email: 'directrice.education@example.org' } });
    const decisions = await db.prisma.decision.count();

    const { workflowId } = await startRetention({ client: env.client, taskQueue: stack.taskQueue }, conventionId);
    const handle = env.client.workflow.getHandle(workflowId);
    const firstDue = Date.parse(`${dayKey(now + 91 * DAY)}T00:00:00Z`);
    const dueRead = (at: number) =>
      eventually(
        async () => (await handle.query(retentionStateQuery)).due === new Date(at).toISOString(),
        'the due date',
      );
    await dueRead(firstDue);

    // Prolonged by a year before the term (an avenant signed): the workflow is told and reads the dates again.
    await sleepUntil(env, handle, new Date(now + 30 * DAY));
    await db.prisma.convention.update({
      where: { id: conventionId },
      data: { endDate: new Date(`${dayKey(now + 425 * DAY)}T00:00:00Z`) },
    });
    await startRetention({ client: env.client, taskQueue: stack.taskQueue }, conventionId);
    const secondDue = Date.parse(`${dayKey(now + 456 * DAY)}T00:00:00Z`);
    await dueRead(secondDue);

    // Past the first date: nothing touched, still waiting.
    await sleepUntil(env, handle, new Date(firstDue + DAY));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await db.prisma.person.findUniqueOrThrow({ where: { id: member.id } })).email).toBe(member.email);

    // Past the second: its people anonymised under their pseudonym, decisions kept, audited, the workflow ended.
    await sleepUntil(env, handle, new Date(secondDue + DAY));
    const state = await handle.result();
    expect(state.anonymised).toBeGreaterThan(0);
    expect(Date.parse(state.anonymisedAt!)).toBeGreaterThanOrEqual(secondDue);
    expect(await db.prisma.person.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({
      email: pseudonymOf(member.id).email,
      displayName: pseudonymOf(member.id).displayName,
    });
    expect(await db.prisma.decision.count()).toBe(decisions);
    expect(
      await db.prisma.auditEvent.count({ where: { action: 'convention.anonymise', actor: RETENTION_ACTOR } }),
    ).toBe(1);

    // Started again (a retention period changed afterwards): it finds the run recorded and ends at once.
    await startRetention({ client: env.client, taskQueue: stack.taskQueue }, conventionId);
    expect((await env.client.workflow.getHandle(workflowId).result()).anonymisedAt).toBe(state.anonymisedAt);
  }, 120_000);
});

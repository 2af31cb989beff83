import { describe, expect, it } from 'vitest';
import { readOptions } from '../../bench/chaos/options.js';
import { pickAddresses, planChaos } from '../../bench/chaos/plan.js';
import { messageIdOf } from '../../bench/chaos/relay.js';
import { ProgressWatch, type WorkflowSighting } from '../../bench/chaos/survey.js';
import { tallyMail } from '../../bench/chaos/tally.js';

// The chaos run's own logic (npm run chaos, bench/chaos/): its counts and its seeded plan.

describe('tallyMail', () => {
  const line = (id: string, recipient = `${id}@example.org`) => ({ messageId: `<${id}@concerto.test>`, recipient });

  it('counts each Message-ID once as delivered, the extra copies as duplicates, the missing as lost', () => {
    const tally = tallyMail(
      [line('a'), line('b'), line('c'), line('d')],
      [
        { messageId: '<a@concerto.test>' },
        { messageId: '<b@concerto.test>' },
        { messageId: ' <B@Concerto.test> ' },
        { messageId: '<b@concerto.test>' },
        { messageId: '<c@concerto.test>' },
      ],
      new Set(),
    );
    expect(tally).toMatchObject({ mailsExpected: 4, refused: 0, delivered: 3, duplicates: 2, lost: 1 });
    expect(tally.lostMessageIds).toEqual(['d@concerto.test']);
    expect(tally.duplicatedMessageIds).toEqual(['b@concerto.test']);
    expect(tally.unknownDeliveries).toBe(0);
  });

  it('counts lines to a refused address as refused, neither expected nor lost', () => {
    const tally = tallyMail(
      [line('a'), line('b', 'Refused@example.org'), line('c', 'refused@example.org')],
      [{ messageId: '<a@concerto.test>' }],
      new Set(['refused@example.org']),
    );
    expect(tally).toMatchObject({ mailsExpected: 1, refused: 2, delivered: 1, duplicates: 0, lost: 0 });
  });

  it('counts a delivery no ledger line knows, or without a Message-ID, as unknown', () => {
    const tally = tallyMail(
      [line('a')],
      [{ messageId: '<a@concerto.test>' }, { messageId: '<z@x>' }, { messageId: null }],
      new Set(),
    );
    expect(tally).toMatchObject({ delivered: 2, unknownDeliveries: 2, lost: 0, duplicates: 0 });
  });

  it('counts a line the relay accepted that the ledger does not show sent', () => {
    const tally = tallyMail(
      [
        { ...line('a'), status: 'sending' },
        { ...line('b'), status: 'sent' },
        { ...line('c'), status: 'sending' },
      ],
      [{ messageId: '<a@concerto.test>' }, { messageId: '<b@concerto.test>' }],
      new Set(),
    );
    expect(tally).toMatchObject({ deliveredNotMarkedSent: 1, lost: 1 });
  });
});

describe('the seeded plan', () => {
  const options = readOptions(
    { CHAOS_LIFECYCLES: '6', CHAOS_WINDOW: '120', CHAOS_RELAY_DOWN: '30' },
    ['--seed=42'],
    () => 7,
  );

  it('reads variables and flags, a flag winning, and refuses what it does not know', () => {
    expect(options).toMatchObject({ lifecycles: 6, seed: 42, windowSeconds: 120, relayDownSeconds: 30 });
    expect(readOptions({ CHAOS_SEED: '1' }, [], () => 7).seed).toBe(1);
    expect(readOptions({}, [], () => 7).seed).toBe(7);
    expect(() => readOptions({}, ['--lifecycle=3'], () => 7)).toThrow(/Unknown argument/);
    expect(() => readOptions({ CHAOS_WINDOW: '1.5' }, [], () => 7)).toThrow(/CHAOS_WINDOW/);
  });

  it('is the same for the same seed, and another for another seed', () => {
    expect(planChaos(options, 2)).toEqual(planChaos(options, 2));
    expect(planChaos({ ...options, seed: 43 }, 2)).not.toEqual(planChaos(options, 2));
    expect(pickAddresses(['c@x', 'a@x', 'b@x', 'd@x'], 2, 42)).toEqual(
      pickAddresses(['d@x', 'b@x', 'a@x', 'c@x'], 2, 42),
    );
  });

  it('puts every fault inside the window, the asked number of each, and the starts in its first half', () => {
    const { events, starts } = planChaos(options, 2);
    const window = options.windowSeconds * 1000;
    expect(events.filter((e) => e.kind === 'restart-temporal')).toHaveLength(2);
    expect(events.filter((e) => e.kind === 'restart-postgres')).toHaveLength(1);
    const relay = events.filter((e) => e.kind === 'relay-down');
    expect(relay).toHaveLength(1);
    expect(relay[0]!.at + options.relayDownSeconds * 1000).toBeLessThanOrEqual(window);
    expect(events.filter((e) => e.kind === 'kill-worker').length).toBeGreaterThanOrEqual(2);
    for (const event of events) expect(event.at).toBeGreaterThanOrEqual(0);
    for (const event of events) expect(event.at).toBeLessThan(window);
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort((a, b) => a - b));
    expect(starts).toHaveLength(6);
    for (const start of starts) expect(start).toBeLessThanOrEqual(window / 2);
  });
});

describe('what the relay and the survey read', () => {
  it('takes the Message-ID from the headers, folded or not, never from the body', () => {
    const raw = (headers: string, body = '') => Buffer.from(`${headers}\r\n\r\n${body}`);
    expect(messageIdOf(raw('Subject: a\r\nMessage-ID: <k@concerto.test>\r\nTo: x@y'))).toBe('<k@concerto.test>');
    expect(messageIdOf(raw('Subject: a\r\nMessage-Id:\r\n <folded@concerto.test>'))).toBe('<folded@concerto.test>');
    expect(messageIdOf(raw('Subject: a', 'Message-ID: <in-body@x>'))).toBeNull();
  });

  it('calls stuck a running workflow whose history has not grown for the stall time, and only that', () => {
    const seen = (workflowId: string, historyLength: number, status = 'RUNNING'): WorkflowSighting => ({
      workflowId,
      type: 'ficheLifecycleWorkflow',
      status,
      historyLength,
    });
    const watch = new ProgressWatch();
    watch.observe([seen('still', 10), seen('moving', 10), seen('done', 10)], 0);
    watch.observe([seen('still', 10), seen('moving', 12), seen('done', 14, 'COMPLETED')], 50_000);
    const last = [seen('still', 10), seen('moving', 12), seen('done', 14, 'COMPLETED'), seen('unseen', 3)];
    expect(watch.stalled(last, 60_000, 60_000).map((s) => s.workflowId)).toEqual(['still', 'unseen']);
    expect(watch.stalled(last, 109_999, 60_000).map((s) => s.workflowId)).toEqual(['still', 'unseen']);
    expect(watch.stalled(last, 110_000, 60_000).map((s) => s.workflowId)).toEqual(['still', 'moving', 'unseen']);
  });
});

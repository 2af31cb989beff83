import { describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/lifecycle/model.js';
import { parseVote } from '../../domain/poll-input.js';
import {
  pollInvitees,
  assertBallot,
  assertConvocationDelayAfterDeadline,
  assertDeadline,
  assertMayManagePoll,
  assertPollStatus,
  ballotsFromVotes,
  checkProposedDates,
  choosePollOption,
  optionLabel,
  optionTimes,
  tallyPoll,
  type Ballot,
  type OptionTally,
  type PollOptionFacts,
} from '../../domain/poll-rules.js';
import { domainError } from '../helpers/domain-error.js';

const ZONE = 'Europe/Paris';

const option = (id: string, startsAt: string, capacity: number | null = null): PollOptionFacts => ({
  id,
  kind: 'journee',
  startsAt,
  endsAt: new Date(Date.parse(startsAt) + 8 * 3_600_000).toISOString(),
  label: id,
  capacity,
});
const tally = (optionId: string, oui: number, siNecessaire = 0, non = 0): OptionTally => ({
  optionId,
  oui,
  siNecessaire,
  non,
  volunteers: 0,
});
const ballot = (answers: Ballot['answers'], signUps: string[] = []): Ballot => ({
  answers,
  signUps,
  at: '2024-02-01T10:00:00.000Z',
});

describe('proposed dates', () => {
  it('places a whole day, a half day and a slot at Paris times, and words them in French', () => {
    const day = optionTimes({ kind: 'journee', date: '2024-03-26' }, ZONE);
    expect(day).toEqual({ startsAt: new Date('2024-03-26T08:00:00Z'), endsAt: new Date('2024-03-26T16:00:00Z') });
    const morning = optionTimes({ kind: 'demi_journee', date: '2024-02-16', half: 'matin' }, ZONE);
    expect(morning.endsAt.toISOString()).toBe('2024-02-16T11:30:00.000Z');
    const afternoon = optionTimes({ kind: 'demi_journee', date: '2024-04-04', half: 'apres_midi' }, ZONE);
    expect(afternoon.startsAt.toISOString()).toBe('2024-04-04T12:00:00.000Z'); // summer time
    const slot = optionTimes({ kind: 'creneau', date: '2024-04-04', start: '14:00', end: '16:00' }, ZONE);
    expect(optionLabel('journee', day.startsAt, day.endsAt, ZONE)).toBe('mardi 26 mars 2024 (journée)');
    expect(optionLabel('demi_journee', morning.startsAt, morning.endsAt, ZONE)).toBe('vendredi 16 février 2024, matin');
    expect(optionLabel('demi_journee', afternoon.startsAt, afternoon.endsAt, ZONE)).toBe(
      'jeudi 4 avril 2024, après-midi',
    );
    expect(optionLabel('creneau', slot.startsAt, slot.endsAt, ZONE)).toBe('jeudi 4 avril 2024, de 14 h 00 à 16 h 00');
  });

  it('refuses a slot that ends before it starts, or a malformed date or time, naming the field', () => {
    expect(
      domainError(() =>
        optionTimes({ kind: 'creneau', date: '2024-04-04', start: '16:00', end: '14:00' }, ZONE, 'options.1'),
      ).field,
    ).toBe('options.1.end');
    expect(domainError(() => optionTimes({ kind: 'journee', date: '2024-02-30' }, ZONE, 'options.0')).field).toBe(
      'options.0.date',
    );
    expect(
      domainError(() =>
        optionTimes({ kind: 'creneau', date: '2024-04-04', start: '9h', end: '10:00' }, ZONE, 'options.0'),
      ).field,
    ).toBe('options.0.start');
  });

  it('refuses weekends and public holidays, every one at once; warns about school holidays', () => {
    const at = (date: string) => optionTimes({ kind: 'journee', date }, ZONE);
    const refused = domainError(() =>
      checkProposedDates([at('2024-03-26'), at('2024-03-30'), at('2024-04-01')], ZONE, 'A'),
    );
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.issues).toEqual([
      {
        field: 'options.1',
        message: 'Le samedi 30 mars 2024 tombe un jour sans réunion (samedi) : proposez un autre jour.',
      },
      {
        field: 'options.2',
        message:
          'Le lundi 1er avril 2024 tombe un jour sans réunion (Lundi de Pâques (jour férié)) : proposez un autre jour.',
      },
    ]);
    expect(domainError(() => checkProposedDates([at('2024-03-26'), at('2024-03-26')], ZONE, 'A')).message).toMatch(
      /proposé deux fois/,
    );
    const { warnings } = checkProposedDates([at('2024-03-26'), at('2025-02-25')], ZONE, 'A');
    expect(warnings).toEqual([{ field: 'options.1', message: expect.stringMatching(/^Vacances d’hiver \(zone A\)/) }]);
    expect(checkProposedDates([at('2025-02-25')], ZONE, 'B').warnings).toEqual([]);
  });

  it('wants the deadline ahead, before the first date, and leaving the convocation delay', () => {
    const dates = [{ startsAt: new Date('2024-03-26T08:00:00Z') }, { startsAt: new Date('2024-03-29T08:00:00Z') }];
    const now = new Date('2024-02-01T10:00:00Z');
    expect(() => assertDeadline(new Date('2024-03-01T11:00:00Z'), dates, now, ZONE)).not.toThrow();
    expect(domainError(() => assertDeadline(new Date('2024-01-31T11:00:00Z'), dates, now, ZONE)).message).toMatch(
      /est passée/,
    );
    expect(domainError(() => assertDeadline(new Date('2024-03-27T11:00:00Z'), dates, now, ZONE)).message).toMatch(
      /précéder la première date/,
    );
    // 14 jours francs (COPIL) from a deadline on 15 March: the 26th is too soon, the 30th would do.
    const late = domainError(() =>
      assertConvocationDelayAfterDeadline(dates, new Date('2024-03-15T11:00:00Z'), 14, ZONE),
    );
    expect(late).toMatchObject({ code: 'CONVOCATION_DELAY', field: 'options.0' });
    expect(late.message).toMatch(/au plus tôt le samedi 30 mars 2024/);
    expect(() => assertConvocationDelayAfterDeadline(dates, new Date('2024-03-01T11:00:00Z'), 14, ZONE)).not.toThrow();
  });
});

describe('who may run a poll', () => {
  const actor = (
    appRole: Actor['appRole'],
    instanceRoles: Actor['instanceRoles'] = {},
    email = 'x@example.org',
  ): Actor => ({ email, appRole, instanceRoles });

  it('coopérateurs, admins, the instance’s secretary and president, and the poll’s organiser', () => {
    expect(() => assertMayManagePoll('copil', actor('cooperateur'), 'create')).not.toThrow();
    expect(() => assertMayManagePoll('copil', actor('admin'), 'close')).not.toThrow();
    expect(() => assertMayManagePoll('copil', actor('membre', { copil: ['secretaire'] }), 'close')).not.toThrow();
    expect(() => assertMayManagePoll('copil', actor('membre', { copil: ['president'] }), 'choose')).not.toThrow();
    expect(() =>
      assertMayManagePoll('copil', actor('membre', {}, 'Orga@example.org'), 'choose', 'orga@example.org'),
    ).not.toThrow();
    const refused = domainError(() =>
      assertMayManagePoll('copil', actor('membre', { cotech: ['secretaire'] }), 'close', 'orga@example.org'),
    );
    expect(refused).toMatchObject({ code: 'ROLE_NOT_ALLOWED', field: 'actor' });
    expect(refused.message).toMatch(/clore le sondage/);
  });

  it('answers while open, a close while open, a choice during a tie', () => {
    expect(() => assertPollStatus('ouvert', 'vote')).not.toThrow();
    expect(domainError(() => assertPollStatus('departage', 'vote')).code).toBe('WRONG_STAGE');
    expect(domainError(() => assertPollStatus('clos', 'close')).message).toMatch(/déjà choisie|date choisie/);
    expect(() => assertPollStatus('departage', 'choose')).not.toThrow();
    expect(domainError(() => assertPollStatus('ouvert', 'choose')).message).toMatch(/rien à départager/);
  });
});

describe('ballots and sign-ups', () => {
  const options = [option('a', '2024-03-26T08:00:00Z', 2), option('b', '2024-03-29T08:00:00Z')];
  const participants = ['ana@example.org', 'bob@example.org', 'cyd@example.org'];

  it('takes a participant’s full ballot; refuses a stranger, a missing answer, an unknown date', () => {
    expect(() =>
      assertBallot('Ana@example.org', { answers: { a: 'oui', b: 'non' }, signUps: ['a'] }, options, participants, {}),
    ).not.toThrow();
    expect(
      domainError(() =>
        assertBallot('eve@example.org', { answers: { a: 'oui', b: 'oui' }, signUps: [] }, options, participants, {}),
      ).code,
    ).toBe('ROLE_NOT_ALLOWED');
    expect(
      domainError(() =>
        assertBallot('ana@example.org', { answers: { a: 'oui' }, signUps: [] }, options, participants, {}),
      ).message,
    ).toMatch(/il manque « b »/);
    expect(
      domainError(() =>
        assertBallot(
          'ana@example.org',
          { answers: { a: 'oui', b: 'oui', z: 'oui' }, signUps: [] },
          options,
          participants,
          {},
        ),
      ).message,
    ).toMatch(/« z »/);
  });

  it('a sign-up wants a date that takes them, not answered « non », with a place left; a place held stays held', () => {
    const full = {
      'ana@example.org': ballot({ a: 'oui', b: 'oui' }, ['a']),
      'bob@example.org': ballot({ a: 'oui', b: 'oui' }, ['a']),
    };
    const refused = domainError(() =>
      assertBallot('cyd@example.org', { answers: { a: 'oui', b: 'oui' }, signUps: ['a'] }, options, participants, full),
    );
    expect(refused).toMatchObject({ code: 'CAPACITY_FULL', field: 'signUps' });
    expect(refused.message).toBe('Le a est complet (2 places, toutes prises) : inscrivez-vous sur une autre date.');
    expect(() =>
      assertBallot(
        'ana@example.org',
        { answers: { a: 'si_necessaire', b: 'oui' }, signUps: ['a'] },
        options,
        participants,
        full,
      ),
    ).not.toThrow();
    expect(
      domainError(() =>
        assertBallot('cyd@example.org', { answers: { a: 'oui', b: 'oui' }, signUps: ['b'] }, options, participants, {}),
      ).message,
    ).toMatch(/ne prend pas d’inscriptions/);
    expect(
      domainError(() =>
        assertBallot('cyd@example.org', { answers: { a: 'non', b: 'oui' }, signUps: ['a'] }, options, participants, {}),
      ).message,
    ).toMatch(/répondu « non »/);
  });

  it('counts answers and volunteers per date, and reads them back from stored votes', () => {
    const ballots = {
      'ana@example.org': ballot({ a: 'oui', b: 'si_necessaire' }, ['a']),
      'bob@example.org': ballot({ a: 'non', b: 'oui' }),
    };
    expect(tallyPoll(options, ballots)).toEqual([
      { optionId: 'a', oui: 1, siNecessaire: 0, non: 1, volunteers: 1 },
      { optionId: 'b', oui: 1, siNecessaire: 1, non: 0, volunteers: 0 },
    ]);
    const at = new Date('2024-02-02T10:00:00Z');
    const stored = ballotsFromVotes([
      { optionId: 'a', voterEmail: 'Ana@example.org', answer: 'oui', volunteer: true, updatedAt: at },
      { optionId: 'b', voterEmail: 'ana@example.org', answer: 'si_necessaire', volunteer: false, updatedAt: at },
    ]);
    expect(stored).toEqual({
      'ana@example.org': { answers: { a: 'oui', b: 'si_necessaire' }, signUps: ['a'], at: at.toISOString() },
    });
  });

  it('parses a vote with French errors', () => {
    expect(parseVote({ email: ' Ana@Example.org ', answers: { a: 'oui' } })).toEqual({
      email: 'ana@example.org',
      answers: { a: 'oui' },
      signUps: [],
    });
    expect(domainError(() => parseVote({ email: 'ana@example.org', answers: { a: 'peut-être' } })).message).toMatch(
      /« oui », « si_necessaire » ou « non »/,
    );
  });
});

describe('choosePollOption', () => {
  const a = option('a', '2024-03-26T08:00:00Z');
  const b = option('b', '2024-03-29T08:00:00Z');
  const c = option('c', '2024-03-26T08:00:00Z');

  it('the most oui', () => {
    expect(choosePollOption([a, b], [tally('a', 2, 5), tally('b', 3)])).toEqual({
      kind: 'chosen',
      optionId: 'b',
      reason: 'oui',
    });
  });

  it('then the most oui + si nécessaire', () => {
    expect(choosePollOption([a, b], [tally('a', 3, 0), tally('b', 3, 1)])).toEqual({
      kind: 'chosen',
      optionId: 'b',
      reason: 'oui_si_necessaire',
    });
  });

  it('then the earliest date', () => {
    expect(choosePollOption([b, a], [tally('a', 3, 1, 4), tally('b', 3, 1)])).toEqual({
      kind: 'chosen',
      optionId: 'a',
      reason: 'earliest',
    });
    // No answer at all: the earliest date, as the rule says.
    expect(choosePollOption([b, a], [])).toEqual({ kind: 'chosen', optionId: 'a', reason: 'earliest' });
  });

  it('dates equal on all three, starting at the same instant, are a tie put to the organiser', () => {
    expect(choosePollOption([a, b, c], [tally('a', 2, 1), tally('b', 2, 1), tally('c', 2, 1)])).toEqual({
      kind: 'tie',
      optionIds: ['a', 'c'],
    });
  });
});

describe('pollInvitees', () => {
  const members = new Set(['a@example.org', 'b@example.org']);
  it('asks members, and outside addresses confirmed one by one', () => {
    expect(pollInvitees(['B@example.org', 'a@example.org', 'b@example.org'], members)).toEqual([
      'a@example.org',
      'b@example.org',
    ]);
    expect(pollInvitees(['a@example.org', 'X@example.org'], members, ['x@example.org', 'y@example.org'])).toEqual([
      'a@example.org',
      'x@example.org',
      'y@example.org',
    ]);
  });

  it('refuses the outside addresses not confirmed, naming each', () => {
    const error = domainError(() => pollInvitees(['a@example.org', 'x@example.org'], members, ['y@example.org']));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'participants' });
    expect(error.message).toMatch(/^Cette adresse n’est d’aucun membre de la convention : x@example.org\. /);
  });
});

import { describe, expect, it } from 'vitest';
import { REFERENCE_CHARTER, parseCharter } from '../../domain/charter.js';
import { agendaTimes, frenchDuration, itemDurationSchema } from '../../domain/agenda-times.js';
import {
  assertMayGiveProxy,
  countSeats,
  pairSuppleants,
  seatRulesFor,
  seatSummary,
  suppleantOf,
} from '../../domain/meeting-seats.js';
import { parseInput } from '../../domain/validation.js';
import { QUORUM_SCRIPT } from '../../server/pages/attendance-page.js';

const HOLDERS = [
  { email: 'b.titulaire@caf.example', seat: 'titulaire' as const, structureId: 'caf' },
  { email: 'a.titulaire@caf.example', seat: 'titulaire' as const, structureId: 'caf' },
  { email: 'z.suppleant@caf.example', seat: 'suppleant' as const, structureId: 'caf' },
  { email: 'm.titulaire@msa.example', seat: 'titulaire' as const, structureId: 'msa' },
  { email: 'libre@example.org', seat: 'suppleant' as const, structureId: null },
];

describe('seats: suppléants and pouvoirs', () => {
  it('pairs a structure’s suppléants with its titulaires by address; none without a structure', () => {
    expect(pairSuppleants(HOLDERS)).toEqual({ 'z.suppleant@caf.example': 'a.titulaire@caf.example' });
    expect(suppleantOf('A.Titulaire@caf.example', HOLDERS)).toBe('z.suppleant@caf.example');
    expect(suppleantOf('b.titulaire@caf.example', HOLDERS)).toBeNull();
  });

  it('counts a suppléant only in place of an absent titulaire, pouvoirs in votes and not in the quorum', () => {
    const base = {
      titulaires: ['a.titulaire@caf.example', 'b.titulaire@caf.example', 'm.titulaire@msa.example'],
      suppleantFor: pairSuppleants(HOLDERS),
      quorum: null,
      quorumCountsProxies: false,
    };
    const sitting = countSeats({ ...base, present: ['z.suppleant@caf.example'], proxies: 1 });
    expect(sitting).toEqual({ present: 1, suppleants: 1, proxies: 1, votes: 2, seats: 3, needed: 2, reached: false });
    expect(seatSummary(sitting)).toBe(
      '1 présent dont 1 suppléant, 1 pouvoir — quorum non atteint (2 requis sur 3 sièges)',
    );
    const both = countSeats({ ...base, present: ['a.titulaire@caf.example', 'z.suppleant@caf.example'], proxies: 0 });
    expect(both).toMatchObject({ present: 1, suppleants: 0 });
    expect(
      countSeats({ ...base, quorumCountsProxies: true, present: ['z.suppleant@caf.example'], proxies: 1 }).reached,
    ).toBe(true);
  });

  it('reads the instance’s rules from the charter, one pouvoir per holder by default', () => {
    expect(seatRulesFor(REFERENCE_CHARTER, 'copil')).toEqual({ maxProxiesPerHolder: 1, quorumCountsProxies: false });
    const charter = parseCharter({ ...REFERENCE_CHARTER, seatRules: { copil: { maxProxiesPerHolder: 2 } } });
    expect(seatRulesFor(charter, 'copil').maxProxiesPerHolder).toBe(2);
    expect(() => parseCharter({ ...REFERENCE_CHARTER, seatRules: { copil: { maximum: 2 } } })).toThrow();
    const request = {
      from: 'a@x.org',
      to: 'b@x.org',
      holders: ['b@x.org'],
      held: 1,
      rules: seatRulesFor(charter, 'cotech'),
    };
    expect(() => assertMayGiveProxy(request)).toThrow(/porte déjà 1 pouvoir : l’instance en admet 1 par membre/);
    expect(() => assertMayGiveProxy({ ...request, rules: seatRulesFor(charter, 'copil') })).not.toThrow();
    expect(() => assertMayGiveProxy({ ...request, to: 'c@x.org', held: 0 })).toThrow(/n’est pas un membre convoqué/);
  });

  it('serves a recount script that parses, with the domain’s functions inlined', () => {
    expect(() => new Function(QUORUM_SCRIPT)).not.toThrow();
    expect(QUORUM_SCRIPT).toContain('function countSeats');
    expect(QUORUM_SCRIPT).not.toContain('__name');
  });
});

describe('agenda durations', () => {
  it('starts each item after the durations before it', () => {
    const start = new Date('2026-03-26T13:00:00Z');
    const times = agendaTimes(start, [{ durationMinutes: 20 }, { durationMinutes: null }, { durationMinutes: 90 }]);
    expect(times.map((t) => t.toISOString())).toEqual([
      '2026-03-26T13:00:00.000Z',
      '2026-03-26T13:20:00.000Z',
      '2026-03-26T13:20:00.000Z',
    ]);
    expect([20, 60, 90].map(frenchDuration)).toEqual(['20 min', '1 h', '1 h 30']);
  });

  it('takes whole minutes or nothing', () => {
    expect(parseInput(itemDurationSchema(), { minutes: ' 45 ' })).toEqual({ minutes: 45 });
    expect(parseInput(itemDurationSchema(), { minutes: '' })).toEqual({ minutes: null });
    expect(() => parseInput(itemDurationSchema(), { minutes: '1,5' })).toThrow(/nombre entier/);
    expect(() => parseInput(itemDurationSchema(), { minutes: '900' })).toThrow(/de 1 à 480 minutes/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CAMPAIGN_TIMING,
  MAX_PROLONGATION_YEARS,
  assertMayManageCycle,
  campaignsOfYear,
  checkProlongation,
  firstCycleYear,
  parseProlongation,
} from '../../domain/convention-cycle.js';
import {
  campaignInvitation,
  campaignReminder,
  reviewSummary,
} from '../../documents/mail/notices/convention-notices.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { domainError } from '../helpers/domain-error.js';

const ZONE = 'Europe/Paris';
const actor = (appRole: Actor['appRole']): Actor => ({ email: `${appRole}@example.org`, appRole, instanceRoles: {} });
const prolongation = { newEndDate: '2028-12-31', motif: 'Le diagnostic est reporté d’un an.' };

describe('campaignsOfYear', () => {
  it('opens the yearly campaign on 15 January at 09:00 Paris (CET), reminds at J+14 and J+28, closes at J+42', () => {
    expect(campaignsOfYear(2025, '2023-01-01', '2027-12-31', DEFAULT_CAMPAIGN_TIMING, ZONE)).toEqual([
      {
        key: 'annuelle-2024',
        kind: 'annuelle',
        year: 2024,
        opensAt: '2025-01-15T08:00:00.000Z',
        reminders: ['2025-01-29T08:00:00.000Z', '2025-02-12T08:00:00.000Z'],
        deadline: '2025-02-26T08:00:00.000Z',
      },
    ]);
  });

  it('has no campaign in the convention’s first year: there is no year before to evaluate', () => {
    expect(campaignsOfYear(2023, '2023-01-01', '2027-12-31', DEFAULT_CAMPAIGN_TIMING, ZONE)).toEqual([]);
  });

  it('adds the final campaign in the last year, 120 days before the end, at 09:00 Paris (CEST)', () => {
    const [yearly, final] = campaignsOfYear(2027, '2023-01-01', '2027-12-31', DEFAULT_CAMPAIGN_TIMING, ZONE);
    expect(yearly!.key).toBe('annuelle-2026');
    expect(final).toEqual({
      key: 'finale-2027',
      kind: 'finale',
      year: 2027,
      opensAt: '2027-09-02T07:00:00.000Z',
      reminders: ['2027-09-16T07:00:00.000Z', '2027-09-30T07:00:00.000Z'],
      deadline: '2027-10-14T07:00:00.000Z',
    });
  });

  it('closes the final campaign by the end date, and drops the reminders that would fall after', () => {
    const plans = campaignsOfYear(2027, '2023-01-01', '2027-01-10', DEFAULT_CAMPAIGN_TIMING, ZONE);
    // The yearly campaign would open after the end: only the final one, from 1 January.
    expect(plans).toEqual([
      {
        key: 'finale-2027',
        kind: 'finale',
        year: 2027,
        opensAt: '2027-01-01T08:00:00.000Z',
        reminders: [],
        deadline: '2027-01-10T08:00:00.000Z',
      },
    ]);
  });

  it('follows a configured timing', () => {
    const timing = {
      ...DEFAULT_CAMPAIGN_TIMING,
      opensOn: { month: 2, day: 1 },
      reminderDays: [7],
      deadlineDays: 21,
      hour: 10,
    };
    expect(campaignsOfYear(2025, '2023-01-01', '2027-12-31', timing, ZONE)[0]).toMatchObject({
      opensAt: '2025-02-01T09:00:00.000Z',
      reminders: ['2025-02-08T09:00:00.000Z'],
      deadline: '2025-02-22T09:00:00.000Z',
    });
  });
});

describe('prolongation rules', () => {
  it('accepts a coopérateur or an admin, a later end date and a motif', () => {
    for (const who of [actor('cooperateur'), actor('admin')])
      expect(() => checkProlongation(who, prolongation, '2027-12-31', '2027-06-01')).not.toThrow();
  });

  it('refuses anyone else, in French, naming the role', () => {
    for (const role of ['membre', 'secretaire_instance', 'partenaire'] as const) {
      const error = domainError(() => checkProlongation(actor(role), prolongation, '2027-12-31', '2027-06-01'));
      expect(error).toMatchObject({ code: 'ROLE_NOT_ALLOWED', field: 'actor.appRole' });
      expect(error.message).toMatch(
        /^Seul un coopérateur \(ou un administrateur\) enregistre un avenant de prolongation/,
      );
    }
  });

  it('refuses an end date that is not later than the current one', () => {
    for (const newEndDate of ['2027-12-31', '2027-06-30']) {
      const error = domainError(() =>
        checkProlongation(actor('cooperateur'), { ...prolongation, newEndDate }, '2027-12-31', '2027-06-01'),
      );
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'newEndDate' });
      expect(error.message).toContain('doit être postérieure à la fin actuelle, le 31 décembre 2027');
    }
  });

  it(`refuses more than ${MAX_PROLONGATION_YEARS} years at once`, () => {
    expect(() =>
      checkProlongation(
        actor('cooperateur'),
        { ...prolongation, newEndDate: '2032-12-31' },
        '2027-12-31',
        '2027-06-01',
      ),
    ).not.toThrow();
    const error = domainError(() =>
      checkProlongation(
        actor('cooperateur'),
        { ...prolongation, newEndDate: '2033-01-01' },
        '2027-12-31',
        '2027-06-01',
      ),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'newEndDate' });
    expect(error.message).toMatch(/5 ans au plus \(jusqu’au 31 décembre 2032\)/);
  });

  it('refuses a convention that has already ended, on its last day still accepts', () => {
    expect(() => checkProlongation(actor('cooperateur'), prolongation, '2027-12-31', '2027-12-31')).not.toThrow();
    const error = domainError(() => checkProlongation(actor('cooperateur'), prolongation, '2027-12-31', '2028-01-01'));
    expect(error).toMatchObject({ code: 'WRONG_STAGE' });
    expect(error.message).toMatch(/a pris fin le 31 décembre 2027/);
  });

  it('parses the new end date and the motif, with field errors', () => {
    expect(parseProlongation({ newEndDate: '2028-12-31', motif: '  Report  ' })).toEqual({
      newEndDate: '2028-12-31',
      motif: 'Report',
    });
    expect(domainError(() => parseProlongation({ newEndDate: '2028-02-30', motif: 'Report' }))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'newEndDate',
      message: expect.stringMatching(/AAAA-MM-JJ/),
    });
    expect(domainError(() => parseProlongation({ newEndDate: '31/12/2028', motif: 'Report' }))).toMatchObject({
      field: 'newEndDate',
    });
    expect(domainError(() => parseProlongation({ newEndDate: '2028-12-31', motif: '   ' }))).toMatchObject({
      field: 'motif',
      message: expect.stringMatching(/Dites pourquoi la convention est prolongée/),
    });
    expect(domainError(() => parseProlongation(null)).issues?.map((i) => i.field)).toEqual(['newEndDate', 'motif']);
  });

  it('lets only coopérateurs and admins start the cycle', () => {
    expect(() => assertMayManageCycle(actor('admin'), 'lance le cycle')).not.toThrow();
    expect(domainError(() => assertMayManageCycle(actor('membre'), 'lance le cycle'))).toMatchObject({
      code: 'ROLE_NOT_ALLOWED',
    });
  });
});

describe('firstCycleYear', () => {
  it('is the current year, or the first one before the convention starts, and refuses an ended convention', () => {
    expect(firstCycleYear('2023-01-01', '2027-12-31', '2026-11-28')).toBe(2026);
    expect(firstCycleYear('2027-01-01', '2030-12-31', '2026-11-28')).toBe(2027);
    expect(domainError(() => firstCycleYear('2018-01-01', '2021-12-31', '2026-11-28'))).toMatchObject({
      code: 'WRONG_STAGE',
    });
  });
});

describe('campaign mails', () => {
  const fiches = [{ ficheId: 'f1', code: 'FA-2024-01', title: 'Ludothèque itinérante' }];
  const deadline = new Date('2025-02-26T08:00:00.000Z');

  it('say what to record, by when, and where', () => {
    const mail = campaignInvitation('annuelle', 2024, fiches, deadline, 'https://concerto.example.org', ZONE);
    expect(mail.subject).toBe('Évaluation 2024 de vos fiches actions à renseigner avant le mercredi 26 février 2025');
    expect(mail.text).toContain(
      '- FA-2024-01 « Ludothèque itinérante » : POST ' +
        'https://concerto.example.org/api/fiches/f1/actions/recordEvaluation',
    );
    expect(mail.text).toContain('"year": 2024');
    expect(campaignReminder('finale', 2027, fiches, deadline, 'https://x', ZONE).subject).toBe(
      'Rappel : bilan de la CTG à renseigner avant le mercredi 26 février 2025',
    );
  });

  it('sum up the answers for the COPIL, with the indicators, and where the review is', () => {
    const mail = reviewSummary(
      'annuelle',
      2024,
      [
        {
          ...fiches[0]!,
          pilotEmail: 'a@example.org',
          evaluation: { summary: 'Douze familles.', indicators: [{ label: 'Familles', value: 12, target: 10 }] },
        },
        { ficheId: 'f2', code: 'FA-2024-02', title: 'Accueil', pilotEmail: 'b@example.org', evaluation: null },
      ],
      { meetingTitle: 'COPIL de printemps', startsAt: new Date('2025-03-23T13:00:00Z') },
      ZONE,
    );
    expect(mail.text).toContain('1 fiche(s) sur 2 évaluée(s)');
    expect(mail.text).toContain('Indicateurs : Familles : 12 (cible 10)');
    expect(mail.text).toContain('« COPIL de printemps », le dimanche 23 mars 2025 à 14 h 00');
    expect(mail.text).toContain('Sans évaluation à ce jour :\n- FA-2024-02 « Accueil » (pilote : b@example.org)');
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CAMPAIGN_TIMING, monthsBefore, termRemindersOfYear } from '../../domain/convention-cycle.js';
import {
  assertMayProposeAmendment,
  awaitedSteps,
  checkSignatureStep,
  parseOtherAmendment,
  parseSignatureStep,
  signatureStage,
  type SignaturePath,
  type SignatureStepRecord,
} from '../../domain/convention-signature.js';
import { amendmentProposedNotice, termReminder } from '../../documents/mail/notices/convention-notices.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { domainError } from '../helpers/domain-error.js';

const ZONE = 'Europe/Paris';
const actor = (appRole: Actor['appRole'], structureKind?: Actor['structureKind']): Actor => ({
  email: `${appRole}-${structureKind ?? 'x'}@example.org`,
  appRole,
  instanceRoles: {},
  ...(structureKind ? { structureKind } : {}),
});
const cooperateur = actor('cooperateur');
const step = (s: Partial<SignatureStepRecord> & Pick<SignatureStepRecord, 'step' | 'date'>): SignatureStepRecord => ({
  party: null,
  reference: null,
  meetingId: null,
  by: cooperateur.email,
  at: '2023-12-18T10:00:00.000Z',
  ...s,
});
// The 2023 path of Mellois en Poitou: the collectivité on 19 October, the CAF on 20 October, the MSA after.
const validated: SignatureStepRecord[] = [
  step({ step: 'validation', party: 'collectivite', date: '2023-10-19', reference: 'D-2023-145' }),
  step({ step: 'validation', party: 'caf', date: '2023-10-20', reference: 'CA-2023-10' }),
  step({ step: 'validation', party: 'msa', date: '2023-11-07', reference: 'MSA-2023-31' }),
];
const signed = [
  ...validated,
  ...(['collectivite', 'caf', 'msa'] as const).map((party) => step({ step: 'signature', party, date: '2023-12-18' })),
];
const path = (steps: SignatureStepRecord[], version = 0): SignaturePath => ({ version, steps });

describe('the signature path', () => {
  it('goes validations → signatures → official signing → signée; an avenant stops at its signatures', () => {
    expect(signatureStage(path([]))).toBe('validations');
    expect(awaitedSteps(path(validated.slice(0, 1)))).toEqual([
      { step: 'validation', party: 'caf' },
      { step: 'validation', party: 'msa' },
    ]);
    expect(signatureStage(path(validated))).toBe('signatures');
    expect(signatureStage(path(signed))).toBe('signature_officielle');
    expect(awaitedSteps(path(signed))).toEqual([{ step: 'officielle', party: null }]);
    expect(signatureStage(path([...signed, step({ step: 'officielle', date: '2024-05-09' })]))).toBe('signee');
    expect(signatureStage(path(signed, 1))).toBe('signee');
    expect(awaitedSteps(path(signed, 1))).toEqual([]);
  });

  it('reads each step with its own fields, in French', () => {
    expect(
      parseSignatureStep({ step: 'validation', party: 'caf', date: '2023-10-20', reference: ' CA-2023-10 ' }),
    ).toEqual({ step: 'validation', party: 'caf', date: '2023-10-20', reference: 'CA-2023-10' });
    expect(
      domainError(() => parseSignatureStep({ step: 'validation', party: 'caf', date: '2023-10-20' })),
    ).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'reference',
      message: expect.stringMatching(/référence de la délibération/),
    });
    expect(
      domainError(() => parseSignatureStep({ step: 'signature', party: 'msa', date: '2023-02-30' })),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'date', message: expect.stringMatching(/AAAA-MM-JJ/) });
  });

  it('refuses a signature before the three validations, naming the body still awaited', () => {
    const error = domainError(() =>
      checkSignatureStep(
        cooperateur,
        path(validated.slice(0, 2)),
        { step: 'signature', party: 'collectivite', date: '2023-12-18' },
        '2024-01-10',
      ),
    );
    expect(error).toMatchObject({ code: 'WRONG_STAGE' });
    expect(error.message).toBe(
      'La signature administrative par la collectivité de la convention attend la validation par les instances ' +
        'des trois signataires : manque celle par le conseil d’administration de la MSA.',
    );
  });

  it('refuses the official signing before the three signatures, and for an avenant', () => {
    const meeting = { title: 'Signature officielle', day: '2024-05-09', status: 'tenue' };
    expect(
      domainError(() =>
        checkSignatureStep(
          cooperateur,
          path(signed.slice(0, 4)),
          { step: 'officielle', meetingId: 'm' },
          '2024-06-01',
          meeting,
        ),
      ).message,
    ).toMatch(/manque celle de la CAF et la MSA/);
    expect(
      domainError(() =>
        checkSignatureStep(cooperateur, path(signed, 2), { step: 'officielle', meetingId: 'm' }, '2024-06-01', meeting),
      ).message,
    ).toMatch(/^Un avenant n’a pas de signature officielle/);
  });

  it('takes the official signing’s date from its meeting, once held, not cancelled, and after the signatures', () => {
    const official = { step: 'officielle', meetingId: 'm' } as const;
    expect(
      checkSignatureStep(cooperateur, path(signed), official, '2024-06-01', {
        title: 'Signature officielle',
        day: '2024-05-09',
        status: 'tenue',
      }),
    ).toBe('2024-05-09');
    expect(
      domainError(() =>
        checkSignatureStep(cooperateur, path(signed), official, '2024-05-01', {
          title: 'Signature officielle',
          day: '2024-05-09',
          status: 'convoquee',
        }),
      ),
    ).toMatchObject({ code: 'WRONG_STAGE', message: expect.stringMatching(/une fois la réunion tenue/) });
    expect(
      domainError(() =>
        checkSignatureStep(cooperateur, path(signed), official, '2024-06-01', {
          title: 'Signature officielle',
          day: '2024-05-09',
          status: 'annulee',
        }),
      ).message,
    ).toMatch(/est annulée/);
    expect(
      domainError(() => checkSignatureStep(cooperateur, path(signed), official, '2024-06-01', null)),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'meetingId' });
    expect(
      domainError(() =>
        checkSignatureStep(cooperateur, path(signed), official, '2024-06-01', {
          title: 'Vieille réunion',
          day: '2023-11-30',
          status: 'tenue',
        }),
      ).message,
    ).toMatch(/ne peut précéder la dernière signature administrative, le 18 décembre 2023/);
  });

  it('refuses a step recorded twice, a date to come, and a signature dated before the validations', () => {
    expect(
      domainError(() =>
        checkSignatureStep(
          cooperateur,
          path(validated),
          { step: 'validation', party: 'caf', date: '2023-10-21', reference: 'bis' },
          '2024-01-10',
        ),
      ).message,
    ).toBe(
      'La validation par le conseil d’administration de la CAF de la convention est déjà enregistrée ' +
        '(le 20 octobre 2023, délibération CA-2023-10).',
    );
    expect(
      domainError(() =>
        checkSignatureStep(
          cooperateur,
          path(validated),
          { step: 'signature', party: 'caf', date: '2024-02-01' },
          '2024-01-10',
        ),
      ),
    ).toMatchObject({ code: 'INVALID_INPUT', field: 'date', message: expect.stringMatching(/est à venir/) });
    expect(
      domainError(() =>
        checkSignatureStep(
          cooperateur,
          path(validated),
          { step: 'signature', party: 'caf', date: '2023-11-01' },
          '2024-01-10',
        ),
      ).message,
    ).toMatch(/ne peut précéder la dernière validation, le 7 novembre 2023/);
  });

  it('lets each party’s people record its own body’s validation and signature, the coopérateurs and admins all', () => {
    const caf = actor('membre', 'caf');
    const input = { step: 'validation', party: 'caf', date: '2023-10-20', reference: 'CA' } as const;
    expect(checkSignatureStep(caf, path([]), input, '2024-01-10')).toBe('2023-10-20');
    expect(checkSignatureStep(actor('admin'), path([]), input, '2024-01-10')).toBe('2023-10-20');
    const msa = domainError(() => checkSignatureStep(actor('membre', 'msa'), path([]), input, '2024-01-10'));
    expect(msa).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    expect(msa.message).toBe(
      'Seul un coopérateur, une personne de la CAF ou un administrateur enregistre la validation par le conseil ' +
        'd’administration de la CAF ; membre-msa@example.org n’en est pas.',
    );
    const official = { title: 'Signature', day: '2024-05-09', status: 'tenue' };
    expect(
      domainError(() =>
        checkSignatureStep(caf, path(signed), { step: 'officielle', meetingId: 'm' }, '2024-06-01', official),
      ),
    ).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
  });
});

describe('avenants', () => {
  it('are proposed by coopérateurs and admins, to a signed convention, one at a time', () => {
    expect(() => assertMayProposeAmendment(cooperateur, 'en_cours', [{ number: 1, status: 'signe' }])).not.toThrow();
    expect(domainError(() => assertMayProposeAmendment(actor('membre', 'caf'), 'en_cours', []))).toMatchObject({
      code: 'ROLE_NOT_ALLOWED',
    });
    expect(domainError(() => assertMayProposeAmendment(cooperateur, 'projet', [])).message).toMatch(
      /pas encore signée/,
    );
    expect(
      domainError(() => assertMayProposeAmendment(cooperateur, 'prolongee', [{ number: 2, status: 'projet' }])).message,
    ).toMatch(/^L’avenant n° 2 est en cours de validation et de signature/);
  });

  it('other than a prolongation, say what they change and why', () => {
    expect(parseOtherAmendment({ title: 'Intégration de France Services', motif: 'Élargissement.' })).toEqual({
      title: 'Intégration de France Services',
      motif: 'Élargissement.',
    });
    expect(domainError(() => parseOtherAmendment({ motif: 'x' }))).toMatchObject({ field: 'title' });
  });
});

describe('reminders before the term', () => {
  it('fall 6 and 3 months before the end date at 09:00 Paris, in the year they fall in', () => {
    expect(monthsBefore({ year: 2027, month: 12, day: 31 }, 6)).toEqual({ year: 2027, month: 6, day: 30 });
    expect(monthsBefore({ year: 2028, month: 3, day: 31 }, 6)).toEqual({ year: 2027, month: 9, day: 30 });
    expect(termRemindersOfYear(2027, '2027-12-31', DEFAULT_CAMPAIGN_TIMING, ZONE)).toEqual([
      { key: 'terme-2027-12-31-6', endDate: '2027-12-31', monthsBefore: 6, at: '2027-06-30T07:00:00.000Z' },
      { key: 'terme-2027-12-31-3', endDate: '2027-12-31', monthsBefore: 3, at: '2027-09-30T07:00:00.000Z' },
    ]);
    // A convention ending in March: both reminders fall the year before.
    expect(termRemindersOfYear(2027, '2028-03-31', DEFAULT_CAMPAIGN_TIMING, ZONE).map((r) => r.at)).toEqual([
      '2027-09-30T07:00:00.000Z',
      '2027-12-31T08:00:00.000Z',
    ]);
    expect(termRemindersOfYear(2028, '2028-03-31', DEFAULT_CAMPAIGN_TIMING, ZONE)).toEqual([]);
  });

  it('tell the coordinators the date and where the renewal or an avenant starts', () => {
    const mail = termReminder({
      topic: 'convention',
      kind: 'term-reminder',
      conventionName: 'CTG Mellois en Poitou',
      endDate: '2027-12-31',
      monthsBefore: 6,
      pageUrl: 'https://concerto.example.org/?convention=mellois',
      amendmentsUrl: 'https://concerto.example.org/api/conventions/mellois/amendments',
    });
    expect(mail.subject).toBe('CTG Mellois en Poitou : fin de la convention dans 6 mois');
    expect(mail.text).toContain('prend fin le 31 décembre 2027');
    expect(mail.text).toContain('https://concerto.example.org/?convention=mellois');
  });

  it('tell the coordinators of a proposed prolongation, what it waits for and where to record it', () => {
    const mail = amendmentProposedNotice({
      topic: 'convention',
      kind: 'amendment-proposed',
      number: 2,
      previousEnd: '2027-12-31',
      newEnd: '2028-12-31',
      motif: 'Le diagnostic est reporté d’un an.',
      proposedBy: 'directrice.education@example.org',
      pageUrl: 'https://concerto.example.org/?convention=mellois#signature',
    });
    expect(mail.subject).toBe('Avenant n° 2 proposé : prolongation jusqu’au 31 décembre 2028');
    expect(mail.text).toContain('dont la fin est fixée au 31 décembre 2027, jusqu’au 31 décembre 2028');
    expect(mail.text).toContain('Motif : Le diagnostic est reporté d’un an.');
    expect(mail.text).toContain('https://concerto.example.org/?convention=mellois#signature');
  });
});

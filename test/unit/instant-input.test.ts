import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readInstant } from '../../domain/instant-input.js';
import { isoInstant, parseInput } from '../../domain/validation.js';
import { domainError } from '../helpers/domain-error.js';

const read = (value: string) => readInstant(value, 'startsAt');
const instant = (value: string) => {
  const reading = read(value);
  if (!reading.ok) throw new Error(reading.message);
  return reading.instant.toISOString();
};
const refusal = (value: string) => {
  const reading = read(value);
  if (reading.ok) throw new Error(`accepted ${value}`);
  return reading.message;
};

describe('readInstant', () => {
  it('reads an instant with its offset as it is', () => {
    expect(instant('2027-09-14T14:00:00+02:00')).toBe('2027-09-14T12:00:00.000Z');
    expect(instant('2027-09-14T12:00:00.250Z')).toBe('2027-09-14T12:00:00.250Z');
    expect(instant('2027-09-14T14:00-05:30')).toBe('2027-09-14T19:30:00.000Z');
  });

  it('reads a local date and time without offset in Europe/Paris, summer and winter', () => {
    expect(instant('2027-09-14T14:00')).toBe('2027-09-14T12:00:00.000Z');
    expect(instant('2027-12-14 14:00')).toBe('2027-12-14T13:00:00.000Z');
    expect(instant('2027-12-14T14:00:30')).toBe('2027-12-14T13:00:30.000Z');
  });

  it('is calendar-strict: 30 February, 31 April, 29 February of a common year, month 13, 24:00', () => {
    expect(refusal('2027-02-30T10:00:00+01:00')).toBe('« startsAt » : le 30 février 2027 n’existe pas.');
    expect(refusal('2027-02-30T10:00')).toBe('« startsAt » : le 30 février 2027 n’existe pas.');
    expect(refusal('2027-04-31T10:00')).toBe('« startsAt » : le 31 avril 2027 n’existe pas.');
    expect(refusal('2027-02-29T10:00')).toMatch(/29 février 2027 n’existe pas/);
    expect(instant('2028-02-29T10:00')).toBe('2028-02-29T09:00:00.000Z');
    expect(refusal('2027-13-01T10:00')).toMatch(/le mois 13 n’existe pas/);
    expect(refusal('2027-06-01T24:00')).toMatch(/24:00 n’est pas une heure/);
    expect(refusal('2027-06-01T10:00+15:00')).toMatch(/décalage \+15:00 n’existe pas/);
  });

  it('answers a time in the spring-forward gap with the minutes either side of it', () => {
    expect(refusal('2027-03-28T02:30')).toBe(
      '« startsAt » : 02:30 n’existe pas le 28 mars 2027 à Paris (les horloges avancent d’une heure) : ' +
        'choisissez 01:59 ou 03:00.',
    );
    expect(refusal('2027-03-28 02:00')).toMatch(/choisissez 01:59 ou 03:00/);
    // With its offset, the same wall time is an instant like any other.
    expect(instant('2027-03-28T03:00')).toBe('2027-03-28T01:00:00.000Z');
  });

  it('asks for the offset of a time the autumn clocks show twice', () => {
    expect(refusal('2027-10-31T02:30')).toBe(
      '« startsAt » : 02:30 a lieu deux fois le 31 octobre 2027 à Paris (les horloges reculent d’une heure) : ' +
        'précisez le décalage, 2027-10-31T02:30+02:00 (la première fois) ou 2027-10-31T02:30+01:00 (la seconde).',
    );
    expect(instant('2027-10-31T02:30+02:00')).toBe('2027-10-31T00:30:00.000Z');
    expect(instant('2027-10-31T02:30+01:00')).toBe('2027-10-31T01:30:00.000Z');
  });

  it('refuses anything else with an example', () => {
    for (const value of ['demain', '2027-09-14', '14:00', '2027-9-14T14:00', '2027-09-14T14:00\u0000']) {
      expect(refusal(value)).toMatch(/^« startsAt » doit être une date et une heure, par exemple/);
    }
  });
});

describe('isoInstant', () => {
  const schema = z.strictObject({ startsAt: isoInstant('startsAt') });

  it('gives the instant in UTC ISO', () => {
    expect(parseInput(schema, { startsAt: '2027-09-14 14:00' })).toEqual({ startsAt: '2027-09-14T12:00:00.000Z' });
  });

  it('refuses with the reading’s message, on the field', () => {
    const error = domainError(() => parseInput(schema, { startsAt: '2027-02-30T10:00:00+01:00' }));
    expect(error.field).toBe('startsAt');
    expect(error.message).toBe('« startsAt » : le 30 février 2027 n’existe pas.');
    expect(domainError(() => parseInput(schema, {})).message).toBe('« startsAt » est obligatoire.');
  });
});

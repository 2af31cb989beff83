import { describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_CODES } from '../../domain/errors.js';
import { domainError } from '../helpers/domain-error.js';
import { parseNewFiche, workingGroupOf, type WorkingGroup } from '../../domain/fiche.js';

describe('parseNewFiche', () => {
  it('normalises a valid fiche', () => {
    expect(
      parseNewFiche({ title: '  Lieu d’accueil  ', authorEmail: ' Pilote@Example.ORG ' }, 'x@example.org'),
    ).toEqual({ title: 'Lieu d’accueil', authorEmail: 'pilote@example.org' });
  });

  it('gives the fiche to its creator when no author is named', () => {
    expect(parseNewFiche({ title: 'T' }, 'Createur@Example.org')).toEqual({
      title: 'T',
      authorEmail: 'createur@example.org',
    });
  });

  it('keeps the GTT asked for, lower-cased, or null for none in particular', () => {
    expect(parseNewFiche({ title: 'T', gtt: ' GTT-2 ' }, 'c@example.org')).toMatchObject({ gtt: 'gtt-2' });
    expect(parseNewFiche({ title: 'T', gtt: null }, 'c@example.org')).toMatchObject({ gtt: null });
    expect(parseNewFiche({ title: 'T' }, 'c@example.org')).not.toHaveProperty('gtt');
  });

  it.each([
    [null, undefined],
    [{ authorEmail: 'a@example.org' }, 'title'],
    [{}, 'title'],
    [{ title: '   ', authorEmail: 'a@example.org' }, 'title'],
    [{ title: 'x'.repeat(201), authorEmail: 'a@example.org' }, 'title'],
    [{ title: 'T', authorEmail: 'a@b' }, 'authorEmail'],
    [{ title: 'T', authorEmail: 'a b@example.org' }, 'authorEmail'],
    [{ title: 'T', authorEmail: 42 }, 'authorEmail'],
    [{ title: 'T', gtt: 'GTT 1' }, 'gtt'],
    [{ title: 'T', gtt: '' }, 'gtt'],
    [{ title: 'T', gtt: 3 }, 'gtt'],
  ])('refuses %j, naming the field', (input, field) => {
    const error = domainError(() => parseNewFiche(input, 'c@example.org'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe(field);
  });
});

describe('workingGroupOf', () => {
  const groups = (...member: boolean[]): WorkingGroup[] =>
    member.map((m, i) => ({ slug: `gtt-${i + 1}`, name: `GTT${i + 1}`, member: m }));

  it('takes the GTT asked for, none when null is asked, else the author’s when they sit in exactly one', () => {
    expect(workingGroupOf(groups(true, false), 'gtt-2')).toBe('gtt-2');
    expect(workingGroupOf(groups(true, false), null)).toBeNull();
    expect(workingGroupOf(groups(false, true, false), undefined)).toBe('gtt-2');
    expect(workingGroupOf(groups(true, true), undefined)).toBeNull();
    expect(workingGroupOf(groups(false, false), undefined)).toBeNull();
  });

  it('refuses a GTT the convention does not have, naming the field and its GTTs', () => {
    const error = domainError(() => workingGroupOf(groups(false, false), 'gtt-7'));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'gtt' });
    expect(error.message).toBe(
      '« gtt-7 » n’est pas un groupe de travail de la convention ; ses GTT sont : gtt-1, gtt-2.',
    );
    expect(domainError(() => workingGroupOf([], 'gtt-1')).message).toBe(
      'La convention n’a aucun groupe de travail thématique (GTT) : « gtt-1 » n’en est pas un.',
    );
  });
});

describe('messages people read', () => {
  it.each([
    [null, 'Le corps de la requête doit être un objet JSON.'],
    [{ title: ' ', authorEmail: 'a@example.org' }, 'Le titre de la fiche est obligatoire.'],
    [{ title: 'x'.repeat(201), authorEmail: 'a@example.org' }, 'Le titre dépasse 200 caractères : raccourcissez-le.'],
    [
      { title: 'T', authorEmail: 'a@b' },
      '« authorEmail » doit être une adresse e-mail valide, par exemple prenom.nom@example.org.',
    ],
  ])('new fiche %j: %s', (input, message) => {
    expect(domainError(() => parseNewFiche(input, 'c@example.org')).message).toBe(message);
  });
});

describe('error codes', () => {
  it('are listed once, each with its description', () => {
    expect(Object.keys(DOMAIN_ERROR_CODES)).toEqual([
      'INVALID_INPUT',
      'WRONG_STAGE',
      'ROLE_NOT_ALLOWED',
      'ALREADY_IN_PROGRESS',
      'CHARTER_VIOLATION',
      'PARTNER_OPINIONS_MISSING',
      'CONVOCATION_DELAY',
      'NON_WORKING_DAY',
      'CAPACITY_FULL',
      'DATA_REFUSED',
    ]);
    for (const description of Object.values(DOMAIN_ERROR_CODES)) expect(description.length).toBeGreaterThan(10);
  });
});

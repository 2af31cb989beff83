import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { domainError } from '../helpers/domain-error.js';
import { email, fieldPath, isoDate, nonEmptyText, parseInput, slug, summariseIssues } from '../../domain/validation.js';

const fiche = z.object({
  title: nonEmptyText(20),
  actor: z.object({ email: email() }),
  startDate: isoDate(),
  instance: slug(),
  kind: z.enum(['copil', 'cotech']),
  participants: z.number().int().min(1).max(30),
  budget: z
    .array(z.object({ amount: z.number().positive(), label: z.string() }))
    .min(1)
    .max(3),
  published: z.boolean().optional(),
});

const valid = {
  title: '  Ludothèque  ',
  actor: { email: ' Pilote@Example.ORG ' },
  startDate: '2024-03-26',
  instance: ' GTT-1 ',
  kind: 'copil',
  participants: 12,
  budget: [{ amount: 1500, label: 'Jeux' }],
};

describe('parseInput', () => {
  it('returns the normalised output', () => {
    expect(parseInput(fiche, valid)).toEqual({
      title: 'Ludothèque',
      actor: { email: 'pilote@example.org' },
      startDate: '2024-03-26',
      instance: 'gtt-1',
      kind: 'copil',
      participants: 12,
      budget: [{ amount: 1500, label: 'Jeux' }],
    });
  });

  it('reports every issue at once, with dotted paths, the first one as `field`', () => {
    const error = domainError(() =>
      parseInput(
        fiche,
        { ...valid, title: '', actor: { email: 'nope' }, budget: [{ amount: 0, label: 'Jeux' }, { amount: 5 }] },
        { what: 'la fiche' },
      ),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('title');
    expect(error.issues?.map((issue) => issue.field)).toEqual([
      'title',
      'actor.email',
      'budget.0.amount',
      'budget.1.label',
    ]);
    expect(error.message).toMatch(
      /^La fiche comporte 4 erreurs à corriger : 1\) « title » ne peut pas être vide\. 2\) « actor\.email »/,
    );
    for (const issue of error.issues ?? []) expect(error.message).toContain(issue.message);
  });

  it.each([
    ['required', { title: undefined }, 'title', '« title » est obligatoire.'],
    ['null as missing', { title: null }, 'title', '« title » est obligatoire.'],
    ['wrong type', { title: 42 }, 'title', '« title » doit être un texte (reçu : 42).'],
    ['wrong type (list)', { actor: [] }, 'actor', '« actor » doit être un objet JSON (reçu : une liste).'],
    [
      'not an integer',
      { participants: 2.5 },
      'participants',
      '« participants » doit être un nombre entier (reçu : 2.5).',
    ],
    ['not a number', { participants: '12' }, 'participants', '« participants » doit être un nombre (reçu : un texte).'],
    ['blank text', { title: '   ' }, 'title', '« title » ne peut pas être vide.'],
    ['too long', { title: 'x'.repeat(21) }, 'title', '« title » dépasse 20 caractères : raccourcissez-le.'],
    [
      'invalid email',
      { actor: { email: 'a@b' } },
      'actor.email',
      '« actor.email » doit être une adresse e-mail valide, par exemple prenom.nom@example.org.',
    ],
    ['enum', { kind: 'gtt' }, 'kind', '« kind » doit être l’une des valeurs : copil, cotech.'],
    ['number too small', { participants: 0 }, 'participants', '« participants » doit être supérieur ou égal à 1.'],
    ['number too big', { participants: 31 }, 'participants', '« participants » doit être inférieur ou égal à 30.'],
    [
      'positive',
      { budget: [{ amount: -1, label: 'x' }] },
      'budget.0.amount',
      '« budget.0.amount » doit être strictement supérieur à 0.',
    ],
    ['empty list', { budget: [] }, 'budget', '« budget » doit contenir au moins un élément.'],
    [
      'long list',
      { budget: Array.from({ length: 4 }, () => ({ amount: 1, label: 'x' })) },
      'budget',
      '« budget » contient trop d’éléments : 3 au plus.',
    ],
    ['boolean', { published: 'oui' }, 'published', '« published » doit être vrai ou faux (booléen) (reçu : un texte).'],
    [
      'date format',
      { startDate: '26/03/2024' },
      'startDate',
      '« startDate » doit être une date au format AAAA-MM-JJ, par exemple 2024-03-26.',
    ],
    [
      'impossible date',
      { startDate: '2023-02-29' },
      'startDate',
      '« startDate » doit être une date au format AAAA-MM-JJ, par exemple 2024-03-26.',
    ],
    [
      'slug',
      { instance: 'gtt 1' },
      'instance',
      '« instance » doit être un identifiant court en minuscules, chiffres et tirets, par exemple gtt-1.',
    ],
  ])('%s: names the field in French', (_kind, patch, field, message) => {
    const error = domainError(() => parseInput(fiche, { ...valid, ...patch }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field, message, issues: [{ field, message }] });
  });

  it('speaks of the whole input when it is not an object, without a field', () => {
    expect(domainError(() => parseInput(fiche, [1, 2], { what: 'la décision' }))).toMatchObject({
      field: undefined,
      message: 'La décision doit être un objet JSON (reçu : une liste).',
      issues: [{ field: '', message: 'La décision doit être un objet JSON (reçu : une liste).' }],
    });
    expect(domainError(() => parseInput(fiche, undefined)).message).toBe('La saisie est vide : envoyez un objet JSON.');
  });

  it('names unknown keys of a strict object', () => {
    const error = domainError(() => parseInput(z.strictObject({ a: z.string() }), { a: 'x', b: 1, c: 2 }));
    expect(error.message).toBe(
      'La saisie contient des champs inconnus : b, c. Retirez-les ou corrigez leur orthographe.',
    );
  });

  it('lets a schema’s own message win over the French defaults', () => {
    const schema = z.object({ outcome: z.enum(['oui', 'non'], { error: 'Répondez oui ou non.' }) });
    expect(domainError(() => parseInput(schema, { outcome: 'peut-être' }))).toMatchObject({
      field: 'outcome',
      message: 'Répondez oui ou non.',
    });
  });

  it('leaves zod’s global configuration alone', () => {
    const result = z.object({ a: z.string() }).safeParse({});
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).not.toMatch(/obligatoire/);
  });
});

describe('schema helpers', () => {
  it('email() trims and lower-cases', () => {
    expect(parseInput(email(), '  Anne.Laure@Mellois.FR ')).toBe('anne.laure@mellois.fr');
    expect(domainError(() => parseInput(email(), 'a b@example.org')).message).toBe(
      'La saisie doit être une adresse e-mail valide, par exemple prenom.nom@example.org.',
    );
  });

  it('nonEmptyText() takes messages of its own', () => {
    const title = nonEmptyText(5, { required: 'Le titre est obligatoire.', tooLong: 'Titre trop long.' });
    expect(parseInput(title, ' abc ')).toBe('abc');
    expect(domainError(() => parseInput(title, ' ')).message).toBe('Le titre est obligatoire.');
    expect(domainError(() => parseInput(title, undefined)).message).toBe('Le titre est obligatoire.');
    expect(domainError(() => parseInput(title, 'abcdef')).message).toBe('Titre trop long.');
  });

  it('isoDate() takes real calendar dates only', () => {
    expect(parseInput(isoDate(), '2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2024-2-29', '2024-13-01', '2024-04-31', '2024-03-26T00:00:00Z']) {
      expect(domainError(() => parseInput(isoDate(), bad)).code).toBe('INVALID_INPUT');
    }
  });

  it('slug() lower-cases and refuses spaces, accents and stray dashes', () => {
    expect(parseInput(slug(), ' COPIL-2024 ')).toBe('copil-2024');
    for (const bad of ['gtt_1', 'écoles', '-gtt', 'gtt--1', '', 'x'.repeat(65)]) {
      expect(domainError(() => parseInput(slug(), bad)).code).toBe('INVALID_INPUT');
    }
  });

  it('fieldPath() and summariseIssues()', () => {
    expect(fieldPath(['budget', 0, 'amount'])).toBe('budget.0.amount');
    expect(fieldPath([])).toBe('');
    expect(summariseIssues('la fiche', [{ field: 'a', message: 'Un.' }])).toBe('Un.');
    expect(
      summariseIssues('la fiche', [
        { field: 'a', message: 'Un.' },
        { field: 'b', message: 'Deux.' },
      ]),
    ).toBe('La fiche comporte 2 erreurs à corriger : 1) Un. 2) Deux.');
  });
});

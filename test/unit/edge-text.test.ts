import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { domainError } from '../helpers/domain-error.js';
import { email, forbiddenCharacter, nonEmptyText, parseInput, slug, text, webUrl } from '../../domain/validation.js';

const form = z.strictObject({
  title: nonEmptyText(20),
  comment: text(50, { multiline: true }).optional(),
});

const refusal = (input: unknown) => domainError(() => parseInput(form, input, { what: 'la fiche' }));

describe('text at the edge', () => {
  it.each([
    ['NUL', '\u0000', 'U+0000'],
    ['a C0 control', 'a\u0007b', 'U+0007'],
    ['DEL', 'a\u007Fb', 'U+007F'],
    ['a C1 control', 'a\u0085b', 'U+0085'],
    ['a right-to-left override', 'a\u202Eb', 'U+202E'],
    ['a left-to-right embedding', 'a\u202Ab', 'U+202A'],
    ['a first-strong isolate', 'a\u2068b', 'U+2068'],
    ['a pop directional isolate', 'a\u2069b', 'U+2069'],
    ['a lone high surrogate', 'a\uD800b', 'U+D800'],
    ['a lone low surrogate', 'a\uDC00b', 'U+DC00'],
  ])('refuses %s in a single-line field, naming the field and the character', (_, value, code) => {
    const error = refusal({ title: `Titre ${value}` });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('title');
    expect(error.message).toContain('« title »');
    expect(error.message).toContain(code);
    expect(error.message).toMatch(/interdit/);
  });

  it('refuses the same characters in a multi-line field', () => {
    for (const value of ['\u0000', '\u001B', '\u009B', '\u202D', '\u2066', '\uDFFF']) {
      const error = refusal({ title: 'Titre', comment: `a${value}b` });
      expect(error.field).toBe('comment');
      expect(error.message).toContain('« comment »');
    }
  });

  it('allows tab and line breaks where the field is multi-line only', () => {
    expect(parseInput(form, { title: 'Titre', comment: 'un\tdeux\ntrois\r\nquatre' }).comment).toBe(
      'un\tdeux\ntrois\r\nquatre',
    );
    for (const value of ['a\tb', 'a\nb', 'a\rb']) {
      const error = refusal({ title: value });
      expect(error.field).toBe('title');
      expect(error.message).toMatch(/tabulation ou saut de ligne/);
    }
  });

  it('allows the implicit direction marks (LRM, RLM, ALM) that mixed names need', () => {
    expect(parseInput(form, { title: 'Nom \u200F\u200E\u061C' }).title).toBe('Nom \u200F\u200E\u061C');
    expect(forbiddenCharacter('\u200E\u200F\u061C')).toBeUndefined();
  });

  it('normalises to NFC before measuring and storing', () => {
    const decomposed = 'Cafe\u0301'; // e + combining acute accent
    const title = parseInput(form, { title: decomposed }).title;
    expect(title).toBe('Caf\u00E9');
    expect(title.length).toBe(4);
    // 20 decomposed characters are 40 code units, 20 once composed: within the cap.
    expect(parseInput(form, { title: 'e\u0301'.repeat(20) }).title).toBe('\u00E9'.repeat(20));
  });

  it('trims, then caps the length with a French message naming the field', () => {
    expect(parseInput(form, { title: '  Titre  ' }).title).toBe('Titre');
    expect(parseInput(form, { title: 'x'.repeat(20) }).title).toHaveLength(20);
    const error = refusal({ title: 'x'.repeat(21) });
    expect(error.field).toBe('title');
    expect(error.message).toBe('« title » dépasse 20 caractères : raccourcissez-le.');
    expect(refusal({ title: 'Titre', comment: 'y'.repeat(51) }).field).toBe('comment');
  });

  it('refuses a blank required text, and lets an optional text be empty', () => {
    expect(refusal({ title: '   ' }).message).toBe('« title » ne peut pas être vide.');
    expect(parseInput(form, { title: 'Titre', comment: '  ' }).comment).toBe('');
  });

  it('keeps e-mail addresses, slugs and web addresses on the same rules', () => {
    const schema = z.strictObject({ email: email(), slug: slug(), url: webUrl() });
    const valid = { email: ' Pilote@Example.ORG ', slug: 'GTT-1', url: 'https://visio.example.org/salle' };
    expect(parseInput(schema, valid)).toEqual({
      email: 'pilote@example.org',
      slug: 'gtt-1',
      url: 'https://visio.example.org/salle',
    });
    for (const [field, value] of [
      ['email', 'pilote\u0000@example.org'],
      ['email', 'pilote@example.org\u202E'],
      ['slug', 'gtt\u0000'],
      ['url', 'https://visio.example.org/\u0000'],
    ] as const) {
      const error = domainError(() => parseInput(schema, { ...valid, [field]: value }));
      expect(error.field).toBe(field);
      expect(error.message).toContain(`« ${field} »`);
    }
  });

  it.each([
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'data:text/html,<b>x</b>',
    'file:///etc/passwd',
    'ftp://x.org',
  ])('refuses the web address %s in French', (url) => {
    const error = domainError(() => parseInput(z.strictObject({ visioUrl: webUrl() }), { visioUrl: url }));
    expect(error.field).toBe('visioUrl');
    expect(error.message).toMatch(/^« visioUrl » doit être une adresse web en https:\/\//);
  });

  it('accepts http: as well as https:', () => {
    expect(parseInput(webUrl(), 'http://intranet.example.org/visio')).toBe('http://intranet.example.org/visio');
    expect(parseInput(webUrl(), 'https://192.0.2.10/salle')).toBe('https://192.0.2.10/salle');
  });
});

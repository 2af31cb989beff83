/**
 * The characters no text from outside may carry, apart from the schemas of validation.ts so that
 * what checks them without a schema (the CLI's arguments) does not load zod.
 */

/**
 * What no text from outside may carry: C0 controls (NUL included), DEL, C1 controls, the bidi
 * embeddings, overrides and isolates that reorder what people read (U+202A–U+202E, U+2066–U+2069),
 * and lone surrogates (not Unicode, refused by PostgreSQL's UTF-8). The implicit marks U+200E,
 * U+200F and U+061C stay allowed: they only set the direction of neutral characters next to them,
 * and mixed Arabic or Hebrew names need them. Multi-line fields allow tab, line feed and carriage return.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point.
const FORBIDDEN_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point.
const FORBIDDEN_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

/** The first character a text may not carry, or undefined; `multiline` admits tab and line breaks. */
export function forbiddenCharacter(value: string, multiline = false): string | undefined {
  return (multiline ? FORBIDDEN_MULTI_LINE : FORBIDDEN_SINGLE_LINE).exec(value)?.[0];
}

/** « U+0000 (caractère de contrôle invisible) » for a refused character. */
export function describeCharacter(character: string): string {
  const code = character.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code >= 0xd800 && code <= 0xdfff) return `${hex} (moitié de caractère isolée)`;
  if (code === 0x09 || code === 0x0a || code === 0x0d) return `${hex} (tabulation ou saut de ligne)`;
  if (code >= 0x202a) return `${hex} (caractère qui inverse le sens du texte)`;
  return `${hex} (caractère de contrôle invisible)`;
}

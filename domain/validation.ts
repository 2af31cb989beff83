import { z } from 'zod';
import { DomainError, type FieldIssue } from './errors.js';
import { describeCharacter, forbiddenCharacter } from './characters.js';
import { readInstant } from './instant-input.js';

// The character rules live in characters.ts (no zod: the CLI checks its arguments without loading it).
export { describeCharacter, forbiddenCharacter };

/**
 * The one way input is checked at every entry (HTTP API, CLI, imports, workflow updates): a zod
 * schema, French messages that name the field and say what to change, and a {@link DomainError}
 * listing every problem at once. The error map is passed to each parse, never set globally, so
 * other code using zod (and Temporal's workflow sandbox) is unaffected.
 */

export interface ParseInputOptions {
  /** What the input is, with its article, for messages about the whole of it: « la décision ». */
  what?: string;
}

/**
 * A schema (or a record of them) that other modules use, exported behind a function. A worker loads the domain once
 * for all its workflows (workflows/shared-modules.ts), and Temporal then freezes what each module exports, reaching
 * into objects but not into functions; zod writes onto a schema as it parses, so a frozen schema refuses its first
 * parse. A schema only its own module uses is simply not exported.
 */
export function shareable<S extends z.ZodType | Readonly<Record<string, z.ZodType>>>(schema: S): () => S {
  return () => schema;
}

/** Joins a zod path into the dotted form used in `field`: `budget.0.amount`; '' for the root. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key) => String(key)).join('.');
}

/**
 * Parses `input` with `schema`; returns its output or throws `DomainError('INVALID_INPUT')` whose
 * message sums up every issue, whose `field` is the first field at fault and whose `issues` lists
 * them all.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, options: ParseInputOptions = {}): T {
  const what = options.what ?? 'la saisie';
  const result = schema.safeParse(input, { error: frenchErrorMap(what) });
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    field: fieldPath(issue.path),
    message: issue.message,
  }));
  const first = issues[0]?.field;
  throw new DomainError('INVALID_INPUT', summariseIssues(what, issues), first ? first : undefined, issues);
}

/**
 * One French sentence for a list of issues: the message itself when there is one, else a count
 * followed by every message, so a client that shows only `message` still shows everything.
 */
export function summariseIssues(what: string, issues: readonly FieldIssue[]): string {
  if (issues.length === 1) return issues[0]!.message;
  const numbered = issues.map((issue, index) => `${index + 1}) ${issue.message}`).join(' ');
  return `${capitalise(what)} comporte ${issues.length} erreurs à corriger : ${numbered}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_SLUG = 64;
const MAX_EMAIL = 254;
const MAX_URL = 2048;

export interface TextOptions {
  /** When the text is missing or blank. */
  required?: string;
  /** When it is longer than `max`. */
  tooLong?: string;
  /** Whether it may span lines: tab, line feed and carriage return are then allowed. */
  multiline?: boolean;
}

/**
 * The one kind of text that enters, whatever the door (API, forms, CLI, imports, signed links,
 * iMIP): normalised to NFC, trimmed, free of the characters {@link forbiddenCharacter} names, at
 * most `max` characters; may be empty (see {@link nonEmptyText}). Every string schema at the edge
 * is built on it, so no NUL or control character reaches PostgreSQL or a workflow's input.
 */
export function text(max: number, options: TextOptions = {}): z.ZodString {
  const { required, tooLong, multiline = false } = options;
  return z
    .string({ error: (issue) => (issue.input === undefined || issue.input === null ? required : undefined) })
    .overwrite((value) => value.normalize('NFC'))
    .trim()
    .refine((value) => forbiddenCharacter(value, multiline) === undefined, {
      error: (issue) => {
        const found = forbiddenCharacter(String(issue.input), multiline) ?? '';
        const who = subject(issue.path, 'Le texte');
        return `${who} contient un caractère interdit, ${describeCharacter(found)} : retirez-le.`;
      },
      abort: true,
    })
    .max(max, { error: tooLong });
}

/** A text of 1 to `max` characters (see {@link text}); `options` replace the generic messages for this field. */
export function nonEmptyText(max: number, options: TextOptions = {}): z.ZodString {
  return text(max, options).min(1, { error: options.required });
}

/** An e-mail address, trimmed and lower-cased. */
export function email(): z.ZodString {
  return text(MAX_EMAIL)
    .check(z.email({ pattern: EMAIL }))
    .toLowerCase();
}

/**
 * A web address people will open: `https:` or `http:` only (no `javascript:`, `data:`, `file:`…).
 */
export function webUrl(): z.ZodString {
  return text(MAX_URL).check(
    z.url({
      protocol: /^https?$/,
      error: (issue) =>
        `${subject(issue.path, 'L’adresse')} doit être une adresse web en https:// (ou http://), ` +
        'par exemple https://visio.example.org/salle.',
    }),
  );
}

/** A calendar date written YYYY-MM-DD (a real one: no 2024-02-30). */
export function isoDate(): z.ZodType<string, unknown> {
  return z.iso.date();
}

/**
 * An instant, read by {@link readInstant}: ISO 8601 with its offset, or a local time in Europe/Paris;
 * calendar-strict, and a time the clocks skip or show twice refused with the times that exist.
 */
export function isoInstant(field: string): z.ZodType<string, unknown> {
  return text(40, { required: `« ${field} » est obligatoire.` })
    .check((payload) => {
      const reading = readInstant(payload.value, field);
      if (!reading.ok) payload.issues.push({ code: 'custom', message: reading.message, input: payload.value });
    })
    .transform((value) => (readInstant(value, field) as { instant: Date }).instant.toISOString());
}

/** A short identifier (`gtt-1`, `caf-79`): trimmed, lower-cased, letters, digits and single dashes. */
export function slug(): z.ZodString {
  return text(MAX_SLUG)
    .toLowerCase()
    .min(1)
    .regex(SLUG, {
      error: (issue) =>
        `${subject(issue.path, 'L’identifiant')} doit être un identifiant ` +
        `court en minuscules, chiffres et tirets, par exemple gtt-1.`,
    });
}

const PATH_PARAMETER = /^[A-Za-z0-9._~-]+$/;
/** The longest path parameter: a signed link's token (the router's maxParamLength). */
export const MAX_PATH_PARAMETER = 2048;

/**
 * A path parameter (an id, a slug, a step, a signed link's token, a file name): URL-safe
 * characters only, so nothing else reaches a lookup.
 */
export function pathParameter(max: number = MAX_PATH_PARAMETER): z.ZodString {
  return text(max)
    .min(1)
    .regex(PATH_PARAMETER, {
      error: (issue) =>
        `${subject(issue.path, 'Le paramètre')} n’a pas la forme d’un identifiant : lettres sans accent, chiffres, ` +
        '« - », « _ », « . » ou « ~ ».',
    });
}

type RawIssue = z.core.$ZodRawIssue;

const EXPECTED: Record<string, string> = {
  string: 'un texte',
  number: 'un nombre',
  int: 'un nombre entier',
  boolean: 'vrai ou faux (booléen)',
  bigint: 'un nombre entier',
  array: 'une liste',
  tuple: 'une liste',
  object: 'un objet JSON',
  record: 'un objet JSON',
  map: 'un objet JSON',
  date: 'une date valide',
  null: 'vide (null)',
};

const FORMATS: Record<string, string> = {
  email: 'une adresse e-mail valide, par exemple prenom.nom@example.org',
  date: 'une date au format AAAA-MM-JJ, par exemple 2024-03-26',
  datetime: 'une date et heure ISO 8601, par exemple 2024-03-26T09:30:00Z',
  time: 'une heure au format HH:MM, par exemple 09:30',
  url: 'une adresse web complète, par exemple https://example.org',
  uuid: 'un identifiant UUID',
};

function received(value: unknown): string {
  if (value === null) return 'une valeur vide (null)';
  if (Array.isArray(value)) return 'une liste';
  if (typeof value === 'number' && Number.isNaN(value)) return 'une valeur qui n’est pas un nombre';
  if (value instanceof Date) return 'une date invalide';
  switch (typeof value) {
    case 'string':
      return 'un texte';
    case 'number':
      return String(value);
    case 'boolean':
      return 'un booléen';
    case 'object':
      return 'un objet';
    default:
      return typeof value;
  }
}

/** « actor.email » for a field, the input itself (capitalised) for the root. */
function subject(path: readonly PropertyKey[] | undefined, root: string): string {
  const field = fieldPath(path ?? []);
  return field ? `« ${field} »` : capitalise(root);
}

function listValues(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
}

function day(value: number | bigint): string {
  return new Date(Number(value)).toISOString().slice(0, 10);
}

/** The French error map for one parse; `what` names the whole input in root-level messages. */
export function frenchErrorMap(what: string): z.core.$ZodErrorMap {
  return (issue: RawIssue) => {
    const who = subject(issue.path, what);
    switch (issue.code) {
      case 'invalid_type': {
        if (issue.input === undefined || (issue.input === null && issue.expected !== 'null')) {
          return issue.path?.length
            ? `${who} est obligatoire.`
            : `${who} est vide : envoyez ${EXPECTED[issue.expected] ?? 'une valeur'}.`;
        }
        const expected = EXPECTED[issue.expected] ?? `de type ${issue.expected}`;
        return `${who} doit être ${expected} (reçu : ${received(issue.input)}).`;
      }
      case 'too_small': {
        const n = issue.minimum;
        const exactly = issue.exact ? 'exactement' : 'au moins';
        if (issue.origin === 'string') {
          return Number(n) <= 1 && !issue.exact
            ? `${who} ne peut pas être vide.`
            : `${who} doit compter ${exactly} ${n} caractères.`;
        }
        if (issue.origin === 'array' || issue.origin === 'set') {
          return Number(n) <= 1 && !issue.exact
            ? `${who} doit contenir au moins un élément.`
            : `${who} doit contenir ${exactly} ${n} éléments.`;
        }
        if (issue.origin === 'date')
          return (
            `${who} doit être ${issue.inclusive ? 'le' : 'après le'} ` +
            `${day(n)}${issue.inclusive ? ' ou après' : ''}.`
          );
        return `${who} doit être ${issue.inclusive ? 'supérieur ou égal à' : 'strictement supérieur à'} ${n}.`;
      }
      case 'too_big': {
        const n = issue.maximum;
        if (issue.origin === 'string') {
          return issue.exact
            ? `${who} doit compter exactement ${n} caractères.`
            : `${who} dépasse ${n} caractères : raccourcissez-le.`;
        }
        if (issue.origin === 'array' || issue.origin === 'set') {
          return issue.exact
            ? `${who} doit contenir exactement ${n} éléments.`
            : `${who} contient trop d’éléments : ${n} au plus.`;
        }
        if (issue.origin === 'date')
          return (
            `${who} doit être ${issue.inclusive ? 'le' : 'avant le'} ` +
            `${day(n)}${issue.inclusive ? ' ou avant' : ''}.`
          );
        return `${who} doit être ${issue.inclusive ? 'inférieur ou égal à' : 'strictement inférieur à'} ${n}.`;
      }
      case 'invalid_format': {
        const format = FORMATS[issue.format];
        if (format) return `${who} doit être ${format}.`;
        if (issue.format === 'regex') return `${who} n’a pas la forme attendue.`;
        return `${who} n’a pas le format attendu (${issue.format}).`;
      }
      case 'invalid_value':
        return issue.values.length === 1
          ? `${who} doit valoir ${listValues(issue.values)}.`
          : `${who} doit être l’une des valeurs : ${listValues(issue.values)}.`;
      case 'not_multiple_of':
        return `${who} doit être un multiple de ${issue.divisor}.`;
      case 'unrecognized_keys':
        return issue.keys.length > 1
          ? `${who} contient des champs inconnus : ${issue.keys.join(', ')}. Retirez-les ou corrigez leur orthographe.`
          : `${who} contient un champ inconnu : ${issue.keys.join(', ')}. Retirez-le ou corrigez son orthographe.`;
      case 'invalid_union':
        return `${who} ne correspond à aucune des formes admises.`;
      case 'invalid_key':
      case 'invalid_element':
        return `${who} contient une clé ou une valeur invalide.`;
      default:
        return `${who} est invalide.`;
    }
  };
}

import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import {
  MEMBER_ROLES,
  MEMBER_ROLE_LABELS,
  SEATS,
  assertCharter,
  parseCharter,
  type InstanceKind,
  type MemberRole,
  type MembershipFact,
  type Seat,
  type StructureKind,
} from '../../domain/charter.js';
import { DomainError, type FieldIssue } from '../../domain/errors.js';
import { email, frenchErrorMap, summariseIssues, text } from '../../domain/validation.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

/**
 * The members file staff keep in a spreadsheet: one line per person and instance, French headers,
 * `;` (French spreadsheets) or `,` between fields. {@link exportMembersCsv} writes it.
 */
export const MEMBER_CSV_COLUMNS = [
  'email',
  'nom',
  'fonction',
  'structure',
  'instance',
  'role',
  'siege',
  'represente',
] as const;
export type MemberCsvColumn = (typeof MEMBER_CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly MemberCsvColumn[] = ['email', 'instance', 'role'];

export interface ImportMembersCsvResult {
  /** Lines whose membership (or person) did not exist. */
  created: number;
  /** Lines that changed an existing membership, or a person's name or fonction. */
  updated: number;
  unchanged: number;
}

interface Row {
  line: number;
  email: string;
  nom: string;
  fonction: string;
  structure: string;
  instance: string;
  role: MemberRole;
  seat: Seat;
  represents: string;
}

/**
 * Imports the members of a convention's instances from a CSV file with the headers
 * `email;nom;fonction;structure;instance;role;siege;represente` (any case, with or without accents,
 * in any order; `email`, `instance` and `role` required; `siege` defaults to titulaire). A UTF-8 BOM
 * is accepted, and `,` as well as `;` between fields.
 *
 * Everything is checked first, the charter included (on the convention's members as they will be
 * after the import): a DomainError ('INVALID_INPUT' or 'CHARTER_VIOLATION') lists every problem, each
 * with `field` « ligne N » — the line as a spreadsheet numbers it, the header being line 1 — and
 * nothing is written. Then, in one transaction: unknown people are created (name from `nom`, title
 * from `fonction`, structure from `structure`); for known people a non-empty `nom` or `fonction`
 * replaces their name or title; memberships are created or updated. Members the file does not list
 * are kept: the file adds and corrects, it does not remove.
 */
export async function importMembersCsv(
  prisma: PrismaClient,
  conventionSlug: string,
  csvText: string,
): Promise<ImportMembersCsvResult> {
  const parsed = readMembersCsv(csvText);
  return prisma.$transaction((tx) => applyRows(tx, conventionSlug, parsed), { maxWait: 10_000, timeout: 60_000 });
}

interface ParsedCsv {
  /** The non-empty lines after the header, each with its spreadsheet line number. */
  rows: Array<{ line: number; cells: Partial<Record<MemberCsvColumn, string>> }>;
}

/** csv-parse's errors a hand-edited file can meet, in French. */
const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'un guillemet ouvert n’est jamais refermé',
  CSV_INVALID_CLOSING_QUOTE: 'un guillemet fermant est suivi d’autre chose qu’un séparateur',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'le nombre de colonnes varie d’une ligne à l’autre',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'du texte suit un guillemet fermant',
};

/** Splits the text into lines of named cells; header problems are thrown at once. */
function readMembersCsv(csvText: string): ParsedCsv {
  const text = csvText.replace(/^\uFEFF/, '');
  const headerLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = count(headerLine, ';') >= count(headerLine, ',') ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: true,
    });
  } catch (error) {
    const line =
      typeof (error as { records?: unknown }).records === 'number'
        ? (error as { records: number }).records + 1
        : undefined;
    const field = line === undefined ? 'fichier' : `ligne ${line}`;
    const reason = CSV_ERRORS[(error as { code?: string }).code ?? ''] ?? (error as Error).message;
    const message =
      `Le fichier n’est pas un CSV lisible${line === undefined ? '' : ` (ligne ${line})`} ` +
      `: ${reason}. Enregistrez-le depuis le tableur au format CSV.`;
    throw new DomainError('INVALID_INPUT', message, field, [{ field, message }]);
  }

  const [header, ...body] = records;
  const expected = MEMBER_CSV_COLUMNS.join(';');
  if (!header || header.every((cell) => cell === '')) {
    const message = `Le fichier est vide : la ligne 1 doit donner les colonnes ${expected}.`;
    throw new DomainError('INVALID_INPUT', message, 'ligne 1', [{ field: 'ligne 1', message }]);
  }
  const columns = new Map<MemberCsvColumn, number>();
  const problems: string[] = [];
  header.forEach((cell, index) => {
    // Spreadsheets often save empty trailing columns: a column without a header is ignored.
    if (cell === '') return;
    const name = normalise(cell);
    const column = MEMBER_CSV_COLUMNS.find((c) => c === name);
    if (!column) problems.push(`colonne ${index + 1} « ${cell} » inconnue`);
    else if (columns.has(column)) problems.push(`colonne « ${cell} » en double`);
    else columns.set(column, index);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0)
    problems.push(
      `colonne${missing.length > 1 ? 's' : ''} ${missing.map((c) => `« ${c} »`).join(', ')} ` +
        `manquante${missing.length > 1 ? 's' : ''}`,
    );
  if (problems.length > 0) {
    const message =
      `Ligne 1 (en-têtes) : ${problems.join(' ; ')}. Colonnes attendues, séparées par « ; » ou « , » : ${expected} ` +
      `(email, instance et role obligatoires).`;
    throw new DomainError('INVALID_INPUT', message, 'ligne 1', [{ field: 'ligne 1', message }]);
  }

  const rows: ParsedCsv['rows'] = [];
  const issues: FieldIssue[] = [];
  body.forEach((record, index) => {
    if (record.every((cell) => cell === '')) return;
    const cells: Partial<Record<MemberCsvColumn, string>> = {};
    for (const [column, at] of columns) cells[column] = record[at] ?? '';
    // Every cell is text from outside: the edge's rules (NFC, no control or bidi characters, a cap).
    const checked = cellsSchema.safeParse(cells, { error: frenchErrorMap('la ligne') });
    const line = index + 2;
    if (checked.success) rows.push({ line, cells: checked.data });
    else
      for (const issue of checked.error.issues)
        issues.push({ field: `ligne ${line}`, message: `Ligne ${line} : ${issue.message}` });
  });
  if (issues.length > 0) {
    throw new DomainError('INVALID_INPUT', summariseIssues('le fichier', issues), issues[0]!.field, issues);
  }
  return { rows };
}

const MAX_CELL = 500;
// A name or a fonction may span lines in a spreadsheet cell; the other cells are one line.
const cellsSchema = z.object(
  Object.fromEntries(
    MEMBER_CSV_COLUMNS.map((column) => [
      column,
      text(MAX_CELL, { multiline: column === 'nom' || column === 'fonction' }).optional(),
    ]),
  ) as Record<MemberCsvColumn, z.ZodOptional<z.ZodString>>,
);

async function applyRows(
  tx: Prisma.TransactionClient,
  conventionSlug: string,
  parsed: ParsedCsv,
): Promise<ImportMembersCsvResult> {
  const convention = await tx.convention.findUnique({
    where: { slug: conventionSlug },
    include: { instances: { select: { id: true, slug: true, kind: true, name: true } } },
  });
  if (!convention) {
    throw new DomainError('INVALID_INPUT', `Aucune convention « ${conventionSlug} » : vérifiez le slug.`, 'convention');
  }
  const instances = new Map(convention.instances.map((i) => [i.slug, i]));
  const csvEmails = [...new Set(parsed.rows.map((r) => (r.cells.email ?? '').toLowerCase()))];
  const csvStructures = [...new Set(parsed.rows.map((r) => (r.cells.structure ?? '').toLowerCase()).filter(Boolean))];
  const structures = new Map(
    (await tx.structure.findMany({ where: { slug: { in: csvStructures } } })).map((s) => [s.slug, s]),
  );
  const people = new Map((await tx.person.findMany({ where: { email: { in: csvEmails } } })).map((p) => [p.email, p]));

  const issues: FieldIssue[] = [];
  const rows: Row[] = [];
  const seenMembership = new Map<string, number>();
  const firstName = new Map<string, { line: number; nom: string }>();
  const emailSchema = email();
  for (const { line, cells } of parsed.rows) {
    const at = `ligne ${line}`;
    const lineIssues: string[] = [];
    const rawEmail = cells.email ?? '';
    const checked = emailSchema.safeParse(rawEmail);
    const address = checked.success ? checked.data : '';
    if (rawEmail === '') lineIssues.push('l’e-mail manque');
    else if (!checked.success) lineIssues.push(`« ${rawEmail} » n’est pas une adresse e-mail valide`);

    const instanceSlug = (cells.instance ?? '').toLowerCase();
    if (instanceSlug === '') lineIssues.push('l’instance manque');
    else if (!instances.has(instanceSlug)) {
      lineIssues.push(
        `instance « ${cells.instance} » inconnue (instances de la ` +
          `convention : ${[...instances.keys()].sort().join(', ')})`,
      );
    }

    const role = asRole(cells.role ?? '');
    if ((cells.role ?? '') === '') lineIssues.push(`le rôle manque (rôles possibles : ${MEMBER_ROLES.join(', ')})`);
    else if (!role) lineIssues.push(`rôle « ${cells.role} » inconnu (rôles possibles : ${MEMBER_ROLES.join(', ')})`);

    const seat = (cells.siege ?? '') === '' ? 'titulaire' : asSeat(cells.siege ?? '');
    if (!seat) lineIssues.push(`siège « ${cells.siege} » inconnu (titulaire ou suppleant)`);

    const structureSlug = (cells.structure ?? '').toLowerCase();
    if (structureSlug !== '' && !structures.has(structureSlug))
      lineIssues.push(`structure « ${cells.structure} » inconnue`);

    const represents = (cells.represente ?? '').toLowerCase();
    if (represents !== '') {
      const gtt = instances.get(represents);
      if (!gtt) lineIssues.push(`« represente » : instance « ${cells.represente} » inconnue`);
      else if (gtt.kind !== 'gtt') lineIssues.push(`« represente » : « ${represents} » n’est pas un GTT`);
    }

    const nom = cells.nom ?? '';
    const fonction = cells.fonction ?? '';
    if (address !== '') {
      if (nom === '' && !people.has(address) && !firstName.has(address)) {
        lineIssues.push(`le nom manque pour ${address}, qui n’est pas encore connu`);
      }
      const named = firstName.get(address);
      if (nom !== '' && named && named.nom !== nom) {
        lineIssues.push(
          `nom « ${nom} » différent de celui de la ligne ${named.line} (« ${named.nom} ») pour ${address}`,
        );
      } else if (nom !== '' && !named) firstName.set(address, { line, nom });
      if (instanceSlug !== '') {
        const key = `${instanceSlug}\u0000${address}`;
        const first = seenMembership.get(key);
        if (first !== undefined)
          lineIssues.push(
            `${address} figure déjà dans l’instance « ${instanceSlug} » ligne ${first} : gardez une seule ligne`,
          );
        else seenMembership.set(key, line);
      }
    }
    if (lineIssues.length > 0) {
      issues.push({ field: at, message: `Ligne ${line} : ${lineIssues.join(' ; ')}.` });
      continue;
    }
    rows.push({
      line,
      email: address,
      nom,
      fonction,
      structure: structureSlug,
      instance: instanceSlug,
      role: role!,
      seat: seat!,
      represents,
    });
  }
  if (parsed.rows.length === 0) {
    issues.push({
      field: 'ligne 2',
      message: 'Le fichier ne contient aucun membre : une ligne par personne et par instance après les en-têtes.',
    });
  }
  if (issues.length > 0)
    throw new DomainError('INVALID_INPUT', summariseIssues('le fichier', issues), issues[0]!.field, issues);

  const existing = await tx.membership.findMany({
    where: { instance: { conventionId: convention.id } },
    include: {
      instance: { select: { slug: true } },
      person: { select: { email: true, displayName: true, structure: { select: { slug: true } } } },
      structure: { select: { slug: true } },
      representsInstance: { select: { slug: true } },
    },
  });
  await checkCharter(tx, convention.charter, convention.instances, existing, rows, people);

  const result: ImportMembersCsvResult = { created: 0, updated: 0, unchanged: 0 };
  const known = new Map(existing.map((m) => [`${m.instance.slug}\u0000${m.person.email}`, m]));
  const personIds = new Map<string, string>();
  for (const row of rows) {
    let outcome: keyof ImportMembersCsvResult = 'unchanged';
    let personId = personIds.get(row.email);
    if (personId === undefined) {
      const person = people.get(row.email);
      if (!person) {
        const created = await tx.person.create({
          data: {
            email: row.email,
            displayName: row.nom,
            title: row.fonction || null,
            structureId: row.structure ? structures.get(row.structure)!.id : null,
          },
        });
        personId = created.id;
        outcome = 'created';
      } else {
        personId = person.id;
        const changes = {
          ...(row.nom !== '' && row.nom !== person.displayName ? { displayName: row.nom } : {}),
          ...(row.fonction !== '' && row.fonction !== person.title ? { title: row.fonction } : {}),
        };
        if (Object.keys(changes).length > 0) {
          await tx.person.update({ where: { id: person.id }, data: changes });
          outcome = 'updated';
        }
      }
      personIds.set(row.email, personId);
    }
    const wanted = {
      structureId: row.structure ? structures.get(row.structure)!.id : null,
      role: row.role,
      seat: row.seat,
      representsInstanceId: row.represents ? instances.get(row.represents)!.id : null,
    };
    const current = known.get(`${row.instance}\u0000${row.email}`);
    if (!current) {
      await tx.membership.create({ data: { instanceId: instances.get(row.instance)!.id, personId, ...wanted } });
      outcome = 'created';
    } else if (
      current.structureId !== wanted.structureId ||
      current.role !== wanted.role ||
      current.seat !== wanted.seat ||
      current.representsInstanceId !== wanted.representsInstanceId
    ) {
      await tx.membership.update({ where: { id: current.id }, data: wanted });
      if (outcome === 'unchanged') outcome = 'updated';
    }
    result[outcome] += 1;
  }
  return result;
}

type ExistingMembership = {
  person: { email: string; displayName: string; structure: { slug: string } | null };
  instance: { slug: string };
  structure: { slug: string } | null;
  representsInstance: { slug: string } | null;
  role: string;
  seat: string;
};

/**
 * The charter on the convention's members as they will be: the ones in the database, with the
 * file's lines replacing or adding to them. Issues on a line are reported as « ligne N ».
 */
async function checkCharter(
  tx: Prisma.TransactionClient,
  storedCharter: Prisma.JsonValue,
  instances: Array<{ slug: string; kind: string; name: string }>,
  existing: ExistingMembership[],
  rows: Row[],
  people: Map<string, { displayName: string; structureId: string | null }>,
): Promise<void> {
  const charter = parseCharter(storedCharter);
  const fromFile = new Set(rows.map((r) => `${r.instance}\u0000${r.email}`));
  const allStructures = await tx.structure.findMany({ select: { id: true, slug: true, kind: true, name: true } });
  const structureSlugById = new Map(allStructures.map((s) => [s.id, s.slug]));

  const facts: MembershipFact[] = existing
    .filter((m) => !fromFile.has(`${m.instance.slug}\u0000${m.person.email}`))
    .map((m) => ({
      personEmail: m.person.email,
      personName: m.person.displayName,
      instanceSlug: m.instance.slug,
      structureSlug: m.structure?.slug ?? m.person.structure?.slug,
      role: m.role as MemberRole,
      seat: m.seat as Seat,
      representsInstanceSlug: m.representsInstance?.slug,
    }));
  for (const row of rows) {
    const person = people.get(row.email);
    const personStructure = person?.structureId ? structureSlugById.get(person.structureId) : undefined;
    facts.push({
      line: row.line,
      personEmail: row.email,
      personName: row.nom || person?.displayName,
      instanceSlug: row.instance,
      structureSlug: row.structure || personStructure,
      role: row.role,
      seat: row.seat,
      representsInstanceSlug: row.represents || undefined,
    });
  }
  assertCharter(charter, {
    instances: instances.map((i) => ({ slug: i.slug, kind: i.kind as InstanceKind, name: i.name })),
    structures: allStructures.map((s) => ({ slug: s.slug, kind: s.kind as StructureKind, name: s.name })),
    memberships: facts,
  });
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** « Rôle », « RÔLE », « rôle » → « role »; « Représente » → « represente ». */
function normalise(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** A role as written in the file: its code (`charge_cooperation`) or its label (« chargé de coopération »). */
function asRole(value: string): MemberRole | undefined {
  const wanted = normalise(value);
  if (wanted === '') return undefined;
  return MEMBER_ROLES.find((role) => normalise(role) === wanted || normalise(MEMBER_ROLE_LABELS[role]) === wanted);
}

function asSeat(value: string): Seat | undefined {
  const wanted = normalise(value);
  return SEATS.find((seat) => normalise(seat) === wanted);
}

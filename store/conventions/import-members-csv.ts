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
  if (parsed.problems.length > 0) throw lineProblemsError(parsed.problems);
  return prisma.$transaction(
    async (tx) => {
      const plan = await planRows(tx, conventionSlug, parsed);
      if (plan.problems.length > 0) throw lineProblemsError(plan.problems);
      await writeRows(tx, plan.rows);
      return plan.summary;
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/** One thing to correct in the file: its line (as a spreadsheet numbers it), its column when one is at fault. */
export interface LineProblem {
  line: number | null;
  column: string | null;
  message: string;
}

/** One line of the file as the import would apply it. */
export interface PlannedMember {
  line: number;
  email: string;
  name: string;
  instance: string;
  role: MemberRole;
  seat: Seat;
  outcome: keyof ImportMembersCsvResult;
  /** What changes, in French: « nouvelle personne », « rôle : membre → technicien »… */
  changes: string[];
}

/** What {@link importMembersCsv} would do with the file, and nothing written: its lines, or its problems. */
export interface MembersCsvPreview {
  rows: PlannedMember[];
  problems: LineProblem[];
  summary: ImportMembersCsvResult;
}

/**
 * The dry run of {@link importMembersCsv}: the same reading and the same checks, the charter
 * included, then what each line would create or change, or every problem, line by line and column
 * by column. Reads only.
 */
export async function previewMembersCsv(
  prisma: PrismaClient,
  conventionSlug: string,
  csvText: string,
): Promise<MembersCsvPreview> {
  const nothing = { created: 0, updated: 0, unchanged: 0 };
  try {
    const parsed = readMembersCsv(csvText);
    if (parsed.problems.length > 0) return { rows: [], problems: parsed.problems, summary: nothing };
    const plan = await planRows(prisma, conventionSlug, parsed);
    return plan.problems.length > 0 ? { rows: [], problems: plan.problems, summary: nothing } : plan;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const issues = error.issues?.length ? error.issues : [{ field: error.field ?? '', message: error.message }];
    const problems = issues.map((issue) => ({ line: lineOf(issue.field), column: null, message: issue.message }));
    return { rows: [], problems, summary: nothing };
  }
}

/** « ligne 12 » → 12; anything else (the convention, the file) → null. */
function lineOf(field: string): number | null {
  const line = /^ligne (\d+)$/.exec(field)?.[1];
  return line === undefined ? null : Number(line);
}

/** The API's error for the problems: one issue per line, its problems joined, each naming its column. */
function lineProblemsError(problems: readonly LineProblem[]): DomainError {
  const byLine = new Map<number, string[]>();
  for (const p of problems) byLine.set(p.line ?? 0, [...(byLine.get(p.line ?? 0) ?? []), p.message.replace(/\.$/, '')]);
  const issues: FieldIssue[] = [...byLine].map(([line, texts]) => ({
    field: `ligne ${line}`,
    message: `Ligne ${line} : ${texts.join(' ; ')}.`,
  }));
  return new DomainError('INVALID_INPUT', summariseIssues('le fichier', issues), issues[0]!.field, issues);
}

interface ParsedCsv {
  /** The non-empty lines after the header, each with its spreadsheet line number. */
  rows: Array<{ line: number; cells: Partial<Record<MemberCsvColumn, string>> }>;
  /** Cells refused by the edge's rules. */
  problems: LineProblem[];
}

/** csv-parse's errors a hand-edited file can meet, in French. */
const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'un guillemet ouvert n’est jamais refermé',
  CSV_INVALID_CLOSING_QUOTE: 'un guillemet fermant est suivi d’autre chose qu’un séparateur',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'le nombre de colonnes varie d’une ligne à l’autre',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'du texte suit un guillemet fermant',
};

/** Splits the text into lines of named cells, or their problems; header problems are thrown at once. */
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
  const headerProblems: string[] = [];
  header.forEach((cell, index) => {
    // Spreadsheets often save empty trailing columns: a column without a header is ignored.
    if (cell === '') return;
    const name = normalise(cell);
    const column = MEMBER_CSV_COLUMNS.find((c) => c === name);
    if (!column) headerProblems.push(`colonne ${index + 1} « ${cell} » inconnue`);
    else if (columns.has(column)) headerProblems.push(`colonne « ${cell} » en double`);
    else columns.set(column, index);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0)
    headerProblems.push(
      `colonne${missing.length > 1 ? 's' : ''} ${missing.map((c) => `« ${c} »`).join(', ')} ` +
        `manquante${missing.length > 1 ? 's' : ''}`,
    );
  if (headerProblems.length > 0) {
    const message =
      `Ligne 1 (en-têtes) : ${headerProblems.join(' ; ')}. Colonnes attendues, séparées par « ; » ou « , » : ` +
      `${expected} (email, instance et role obligatoires).`;
    throw new DomainError('INVALID_INPUT', message, 'ligne 1', [{ field: 'ligne 1', message }]);
  }

  const rows: ParsedCsv['rows'] = [];
  const problems: LineProblem[] = [];
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
        problems.push({ line, column: String(issue.path[0] ?? '') || null, message: issue.message });
  });
  return { rows, problems };
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

/** The import's plan: each line with what it creates or changes, and the writes that do it; or the problems. */
interface Plan extends MembersCsvPreview {
  rows: Array<PlannedMember & { writes: Write[] }>;
}

/** One write of the import, in the order the plan lists them (a new person before their seats). */
type Write =
  | {
      kind: 'createPerson';
      email: string;
      data: { displayName: string; title: string | null; structureId: string | null };
    }
  | { kind: 'updatePerson'; id: string; data: { displayName?: string; title?: string } }
  | { kind: 'createMembership'; instanceId: string; email: string; data: MembershipData }
  | { kind: 'updateMembership'; id: string; data: MembershipData };

interface MembershipData {
  structureId: string | null;
  role: MemberRole;
  seat: Seat;
  representsInstanceId: string | null;
}

/** Checks every line against the database and the charter, and plans what each would write; writes nothing. */
async function planRows(tx: Prisma.TransactionClient, conventionSlug: string, parsed: ParsedCsv): Promise<Plan> {
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

  const problems: LineProblem[] = [];
  const rows: Row[] = [];
  const seenMembership = new Map<string, number>();
  const firstName = new Map<string, { line: number; nom: string }>();
  const emailSchema = email();
  for (const { line, cells } of parsed.rows) {
    const lineIssues: LineProblem[] = [];
    const problem = (column: MemberCsvColumn | null, message: string) => lineIssues.push({ line, column, message });
    const rawEmail = cells.email ?? '';
    const checked = emailSchema.safeParse(rawEmail);
    const address = checked.success ? checked.data : '';
    if (rawEmail === '') problem('email', 'l’e-mail manque');
    else if (!checked.success) problem('email', `« ${rawEmail} » n’est pas une adresse e-mail valide`);

    const instanceSlug = (cells.instance ?? '').toLowerCase();
    if (instanceSlug === '') problem('instance', 'l’instance manque');
    else if (!instances.has(instanceSlug)) {
      problem(
        'instance',
        `instance « ${cells.instance} » inconnue (instances de la ` +
          `convention : ${[...instances.keys()].sort().join(', ')})`,
      );
    }

    const role = asRole(cells.role ?? '');
    if ((cells.role ?? '') === '') problem('role', `le rôle manque (rôles possibles : ${MEMBER_ROLES.join(', ')})`);
    else if (!role) problem('role', `rôle « ${cells.role} » inconnu (rôles possibles : ${MEMBER_ROLES.join(', ')})`);

    const seat = (cells.siege ?? '') === '' ? 'titulaire' : asSeat(cells.siege ?? '');
    if (!seat) problem('siege', `siège « ${cells.siege} » inconnu (titulaire ou suppleant)`);

    const structureSlug = (cells.structure ?? '').toLowerCase();
    if (structureSlug !== '' && !structures.has(structureSlug))
      problem('structure', `structure « ${cells.structure} » inconnue`);

    const represents = (cells.represente ?? '').toLowerCase();
    if (represents !== '') {
      const gtt = instances.get(represents);
      if (!gtt) problem('represente', `« represente » : instance « ${cells.represente} » inconnue`);
      else if (gtt.kind !== 'gtt') problem('represente', `« represente » : « ${represents} » n’est pas un GTT`);
    }

    const nom = cells.nom ?? '';
    const fonction = cells.fonction ?? '';
    if (address !== '') {
      if (nom === '' && !people.has(address) && !firstName.has(address)) {
        problem('nom', `le nom manque pour ${address}, qui n’est pas encore connu`);
      }
      const named = firstName.get(address);
      if (nom !== '' && named && named.nom !== nom) {
        problem(
          'nom',
          `nom « ${nom} » différent de celui de la ligne ${named.line} (« ${named.nom} ») pour ${address}`,
        );
      } else if (nom !== '' && !named) firstName.set(address, { line, nom });
      if (instanceSlug !== '') {
        const key = `${instanceSlug}\u0000${address}`;
        const first = seenMembership.get(key);
        if (first !== undefined)
          problem(
            'instance',
            `${address} figure déjà dans l’instance « ${instanceSlug} » ligne ${first} : gardez une seule ligne`,
          );
        else seenMembership.set(key, line);
      }
    }
    if (lineIssues.length > 0) {
      problems.push(...lineIssues);
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
    const message = 'Le fichier ne contient aucun membre : une ligne par personne et par instance après les en-têtes.';
    throw new DomainError('INVALID_INPUT', message, 'ligne 2', [{ field: 'ligne 2', message }]);
  }
  const summary: ImportMembersCsvResult = { created: 0, updated: 0, unchanged: 0 };
  if (problems.length > 0) return { rows: [], problems, summary };

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

  const known = new Map(existing.map((m) => [`${m.instance.slug}\u0000${m.person.email}`, m]));
  const planned = new Set<string>();
  const structureSlugs = new Map([...structures.values()].map((s) => [s.id, s.slug]));
  const instanceSlugs = new Map(convention.instances.map((i) => [i.id, i.slug]));
  const plan: Plan['rows'] = [];
  for (const row of rows) {
    let outcome: keyof ImportMembersCsvResult = 'unchanged';
    const changes: string[] = [];
    const writes: Write[] = [];
    const person = people.get(row.email);
    if (!planned.has(row.email)) {
      planned.add(row.email);
      if (!person) {
        const structureId = row.structure ? structures.get(row.structure)!.id : null;
        writes.push({
          kind: 'createPerson',
          email: row.email,
          data: { displayName: row.nom, title: row.fonction || null, structureId },
        });
        changes.push('nouvelle personne');
        outcome = 'created';
      } else {
        const data = {
          ...(row.nom !== '' && row.nom !== person.displayName ? { displayName: row.nom } : {}),
          ...(row.fonction !== '' && row.fonction !== person.title ? { title: row.fonction } : {}),
        };
        if (data.displayName !== undefined) changes.push(`nom : ${person.displayName} → ${data.displayName}`);
        if (data.title !== undefined) changes.push(`fonction : ${person.title ?? '—'} → ${data.title}`);
        if (Object.keys(data).length > 0) {
          writes.push({ kind: 'updatePerson', id: person.id, data });
          outcome = 'updated';
        }
      }
    }
    const wanted: MembershipData = {
      structureId: row.structure ? structures.get(row.structure)!.id : null,
      role: row.role,
      seat: row.seat,
      representsInstanceId: row.represents ? instances.get(row.represents)!.id : null,
    };
    const current = known.get(`${row.instance}\u0000${row.email}`);
    if (!current) {
      writes.push({
        kind: 'createMembership',
        instanceId: instances.get(row.instance)!.id,
        email: row.email,
        data: wanted,
      });
      changes.push(`nouveau siège dans « ${row.instance} »`);
      outcome = 'created';
    } else {
      const slugOf = (id: string | null, slugs: Map<string, string>) => (id ? (slugs.get(id) ?? '?') : '—');
      const seatChanges = [
        ...(current.structureId !== wanted.structureId
          ? [`structure : ${current.structure?.slug ?? '—'} → ${slugOf(wanted.structureId, structureSlugs)}`]
          : []),
        ...(current.role !== wanted.role ? [`rôle : ${current.role} → ${wanted.role}`] : []),
        ...(current.seat !== wanted.seat ? [`siège : ${current.seat} → ${wanted.seat}`] : []),
        ...(current.representsInstanceId !== wanted.representsInstanceId
          ? [
              `représente : ${current.representsInstance?.slug ?? '—'} → ` +
                slugOf(wanted.representsInstanceId, instanceSlugs),
            ]
          : []),
      ];
      if (seatChanges.length > 0) {
        writes.push({ kind: 'updateMembership', id: current.id, data: wanted });
        changes.push(...seatChanges);
        if (outcome === 'unchanged') outcome = 'updated';
      }
    }
    summary[outcome] += 1;
    plan.push({
      line: row.line,
      email: row.email,
      name: row.nom || person?.displayName || '',
      instance: row.instance,
      role: row.role,
      seat: row.seat,
      outcome,
      changes,
      writes,
    });
  }
  return { rows: plan, problems: [], summary };
}

/** Carries out the plan's writes, in its order, in the import's transaction. */
async function writeRows(tx: Prisma.TransactionClient, rows: Plan['rows']): Promise<void> {
  const created = new Map<string, string>();
  for (const write of rows.flatMap((row) => row.writes)) {
    switch (write.kind) {
      case 'createPerson':
        created.set(write.email, (await tx.person.create({ data: { email: write.email, ...write.data } })).id);
        break;
      case 'updatePerson':
        await tx.person.update({ where: { id: write.id }, data: write.data });
        break;
      case 'createMembership': {
        const personId =
          created.get(write.email) ??
          (await tx.person.findUniqueOrThrow({ where: { email: write.email }, select: { id: true } })).id;
        await tx.membership.create({ data: { instanceId: write.instanceId, personId, ...write.data } });
        break;
      }
      case 'updateMembership':
        await tx.membership.update({ where: { id: write.id }, data: write.data });
        break;
    }
  }
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

import { REFERENCE_CHARTER } from '../../domain/charter.js';
import { dateFromIso, parseConventionSetup, type ConventionSetup } from '../../domain/convention-setup.js';
import { DomainError, type FieldIssue } from '../../domain/errors.js';
import { DEFAULT_REMINDER_DAYS } from '../../domain/meeting-rules.js';
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';

export interface ImportConventionSetupOptions {
  /** Called after each record is written: records done, records in the file, the current step. */
  onProgress?(done: number, total: number, step: string): void;
}

/** What an import did, record by record. `removed` counts what the file no longer lists. */
export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

type Tx = Prisma.TransactionClient;

/**
 * Imports the whole setup of one convention (see domain/convention-setup.ts), as one transaction.
 *
 * The file is validated first (shape, references, charter): on any error a DomainError
 * ('INVALID_INPUT' or 'CHARTER_VIOLATION') lists every issue and nothing is written. Records are then
 * matched by natural keys — convention slug, structure slug, person email, instance slug, enjeu code,
 * objectif code within its enjeu, membership (instance, person), milestone key, poll key, poll option
 * position, signatory structure, amendment number — created when missing, updated when different,
 * left alone when equal: importing the same file twice changes nothing the second time.
 *
 * The file is the whole setup: memberships of the convention's instances and objectifs of its
 * enjeux that the file does not list are removed, and so are poll options past the last one listed.
 * An objectif a fiche action cites, or a poll option already answered, is never removed: the import
 * fails instead and names it. Structures, people, instances, enjeux, milestones, polls, signatories
 * and amendments the file omits are kept, since meetings and fiches may refer to them. Runtime state
 * (a poll's status and chosen date, workflow ids) is not part of a setup and is left as it is.
 * Structures and people are shared by all conventions: the file's version of them wins.
 */
export async function importConventionSetup(
  prisma: PrismaClient,
  input: unknown,
  options: ImportConventionSetupOptions = {},
): Promise<ImportSummary> {
  const setup = parseConventionSetup(input);
  const total = countRecords(setup);
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, removed: 0 };
  let done = 0;
  const tally: Tally = (outcome, step) => {
    summary[outcome] += 1;
    done += 1;
    options.onProgress?.(done, total, step);
  };
  await prisma.$transaction((tx) => writeSetup(tx, setup, tally, summary), TRANSACTION);
  return summary;
}

// A first load of the demo writes a few hundred rows: well past Prisma's 5 s default on a slow disk.
const TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

/** A record an import would create or change: its step (« personnes »), its natural key, which. */
export interface SetupChange {
  step: string;
  key: string;
  outcome: 'created' | 'updated';
}

/** What {@link importConventionSetup} would do with the file: its counts and changes, or its problems. */
export interface SetupPreview {
  summary: ImportSummary;
  changes: SetupChange[];
  problems: FieldIssue[];
}

/** Ends a dry run: thrown once everything is written, so that its transaction is rolled back. */
class DryRunDone extends Error {}

/**
 * The dry run of {@link importConventionSetup}: the same checks and the same writes, in a
 * transaction rolled back at the end, so nothing stays; what it would create and change, or every
 * problem the import would refuse the file for.
 */
export async function previewConventionSetup(prisma: PrismaClient, input: unknown): Promise<SetupPreview> {
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, removed: 0 };
  const changes: SetupChange[] = [];
  const tally: Tally = (outcome, step, key) => {
    summary[outcome] += 1;
    if (outcome !== 'unchanged') changes.push({ step, key, outcome });
  };
  try {
    const setup = parseConventionSetup(input);
    await prisma.$transaction(async (tx) => {
      await writeSetup(tx, setup, tally, summary);
      throw new DryRunDone();
    }, TRANSACTION);
  } catch (error) {
    if (error instanceof DryRunDone) return { summary, changes, problems: [] };
    if (!(error instanceof DomainError)) throw error;
    const problems = error.issues?.length ? [...error.issues] : [{ field: error.field ?? '', message: error.message }];
    return { summary: { created: 0, updated: 0, unchanged: 0, removed: 0 }, changes: [], problems };
  }
  throw new Error('a dry run ends with DryRunDone');
}

type Outcome = 'created' | 'updated' | 'unchanged';

/** Records in a setup, as counted by progress reports. */
export function countRecords(setup: ConventionSetup): number {
  const objectifs = setup.enjeux.reduce(
    (n, e) => n + e.objectifs.reduce((m, os) => m + 1 + (os.objectifs?.length ?? 0), 0),
    0,
  );
  const options = setup.polls.reduce((n, p) => n + p.options.length, 0);
  return (
    1 +
    setup.structures.length +
    setup.people.length +
    setup.signatories.length +
    setup.amendments.length +
    setup.enjeux.length +
    objectifs +
    setup.instances.length +
    setup.memberships.length +
    setup.milestones.length +
    setup.polls.length +
    options
  );
}

/** Writes one record: creates it when missing, updates it when different, counts which; returns its id. */
type Sync = <W extends object>(
  step: string,
  key: string,
  existing: ({ id: string } & Record<string, unknown>) | undefined,
  wanted: W,
  create: (data: W) => Promise<{ id: string }>,
  update: (id: string, data: W) => Promise<unknown>,
) => Promise<string>;

/** The transaction an import writes in, and how it writes a record. */
interface SetupWriter {
  tx: Tx;
  sync: Sync;
}

/** Record ids by the natural key the file names them with. */
type Ids = ReadonlyMap<string, string>;

/** What the file no longer lists, removed once everything else is written. */
interface Stale {
  objectifs: Array<{ id: string; parentId: string | null }>;
  memberships: string[];
  pollOptions: string[];
}

/** Counts a record written: its outcome, the step it belongs to (« personnes »), its natural key. */
type Tally = (outcome: Outcome, step: string, key: string) => void;

async function writeSetup(tx: Tx, setup: ConventionSetup, tally: Tally, summary: ImportSummary): Promise<void> {
  const writer: SetupWriter = { tx, sync: syncCounted(tally) };
  const structureIds = await writeStructures(writer, setup.structures);
  const personIds = await writePeople(writer, setup.people, structureIds);
  const conventionId = await writeConvention(writer, setup.convention);
  await writeSignatories(writer, conventionId, setup.signatories, structureIds);
  await writeAmendments(writer, conventionId, setup.amendments);
  const objectifs = await writeEnjeux(writer, conventionId, setup.enjeux);
  const instanceIds = await writeInstances(writer, conventionId, setup.instances);
  const memberships = await writeMemberships(writer, conventionId, setup.memberships, {
    structureIds,
    personIds,
    instanceIds,
  });
  await writeMilestones(writer, conventionId, setup.milestones);
  const pollOptions = await writePolls(writer, conventionId, setup.polls, instanceIds);
  await assertObjectifsUncited(tx, objectifs);
  summary.removed += await removeStale(tx, { objectifs, memberships, pollOptions });
}

function syncCounted(tally: Tally): Sync {
  return async (step, key, existing, wanted, create, update) => {
    if (!existing) {
      const row = await create(wanted);
      tally('created', step, key);
      return row.id;
    }
    if (differs(existing, wanted)) {
      await update(existing.id, wanted);
      tally('updated', step, key);
    } else tally('unchanged', step, key);
    return existing.id;
  };
}

/** The id of the structure of that slug, null for none: the file was checked, so it is there. */
function structureIdOf(structureIds: Ids, slug: string | undefined): string | null {
  return slug === undefined ? null : structureIds.get(slug)!;
}

async function writeStructures({ tx, sync }: SetupWriter, structures: ConventionSetup['structures']): Promise<Ids> {
  const structureIds = new Map<string, string>();
  const known = byKey(
    await tx.structure.findMany({ where: { slug: { in: structures.map((s) => s.slug) } } }),
    (s) => s.slug,
  );
  for (const s of structures) {
    const wanted = { name: s.name, kind: s.kind, email: s.email ?? null, address: s.address ?? null };
    const id = await sync(
      'structures',
      s.slug,
      known.get(s.slug),
      wanted,
      (data) => tx.structure.create({ data: { slug: s.slug, ...data } }),
      (rowId, data) => tx.structure.update({ where: { id: rowId }, data }),
    );
    structureIds.set(s.slug, id);
  }
  return structureIds;
}

async function writePeople(
  { tx, sync }: SetupWriter,
  people: ConventionSetup['people'],
  structureIds: Ids,
): Promise<Ids> {
  const personIds = new Map<string, string>();
  const known = byKey(
    await tx.person.findMany({ where: { email: { in: people.map((p) => p.email) } } }),
    (p) => p.email,
  );
  for (const p of people) {
    const wanted = {
      displayName: p.displayName,
      title: p.title ?? null,
      phone: p.phone ?? null,
      structureId: structureIdOf(structureIds, p.structure),
      ...(p.admin === undefined ? {} : { admin: p.admin }),
    };
    const id = await sync(
      'personnes',
      p.email,
      known.get(p.email),
      wanted,
      (data) => tx.person.create({ data: { email: p.email, ...data } }),
      (rowId, data) => tx.person.update({ where: { id: rowId }, data }),
    );
    personIds.set(p.email, id);
  }
  return personIds;
}

async function writeConvention({ tx, sync }: SetupWriter, c: ConventionSetup['convention']): Promise<string> {
  const wanted = {
    name: c.name,
    territory: c.territory,
    startDate: dateFromIso(c.startDate),
    endDate: dateFromIso(c.endDate),
    status: c.status,
    charter: (c.charter ?? REFERENCE_CHARTER) as unknown as Prisma.InputJsonValue,
    timezone: c.timezone,
    schoolZone: c.schoolZone ?? null,
  };
  const known = await tx.convention.findUnique({ where: { slug: c.slug } });
  return sync(
    'convention',
    c.slug,
    known ?? undefined,
    wanted,
    (data) => tx.convention.create({ data: { slug: c.slug, ...data } }),
    (rowId, data) => tx.convention.update({ where: { id: rowId }, data }),
  );
}

async function writeSignatories(
  { tx, sync }: SetupWriter,
  conventionId: string,
  signatories: ConventionSetup['signatories'],
  structureIds: Ids,
): Promise<void> {
  const known = byKey(await tx.signatory.findMany({ where: { conventionId } }), (s) => s.structureId);
  for (const s of signatories) {
    const structureId = structureIds.get(s.structure)!;
    await sync(
      'signataires',
      s.structure,
      known.get(structureId),
      { signedAt: s.signedAt === undefined ? null : dateFromIso(s.signedAt) },
      (data) => tx.signatory.create({ data: { conventionId, structureId, ...data } }),
      (rowId, data) => tx.signatory.update({ where: { id: rowId }, data }),
    );
  }
}

async function writeAmendments(
  { tx, sync }: SetupWriter,
  conventionId: string,
  amendments: ConventionSetup['amendments'],
): Promise<void> {
  const known = byKey(await tx.amendment.findMany({ where: { conventionId } }), (a) => String(a.number));
  for (const a of amendments) {
    const wanted = {
      title: a.title,
      description: a.description ?? null,
      newEndDate: a.newEndDate === undefined ? null : dateFromIso(a.newEndDate),
      signedAt: a.signedAt === undefined ? null : dateFromIso(a.signedAt),
    };
    await sync(
      'avenants',
      `avenant ${a.number}`,
      known.get(String(a.number)),
      wanted,
      (data) => tx.amendment.create({ data: { conventionId, number: a.number, ...data } }),
      (rowId, data) => tx.amendment.update({ where: { id: rowId }, data }),
    );
  }
}

/** Writes the enjeux and their objectifs; returns the convention's objectifs the file no longer lists. */
async function writeEnjeux(
  { tx, sync }: SetupWriter,
  conventionId: string,
  enjeux: ConventionSetup['enjeux'],
): Promise<Stale['objectifs']> {
  const knownEnjeux = byKey(await tx.enjeu.findMany({ where: { conventionId } }), (e) => e.code);
  const knownObjectifs = byKey(
    await tx.objectif.findMany({ where: { enjeu: { conventionId } } }),
    (o) => `${o.enjeuId}\u0000${o.code}`,
  );
  const keptObjectifs = new Set<string>();
  for (const [index, e] of enjeux.entries()) {
    const enjeuId = await sync(
      'enjeux',
      e.code,
      knownEnjeux.get(e.code),
      { position: index + 1, title: e.title, description: e.description ?? null },
      (data) => tx.enjeu.create({ data: { conventionId, code: e.code, ...data } }),
      (rowId, data) => tx.enjeu.update({ where: { id: rowId }, data }),
    );
    const syncObjectif = async (
      o: { code: string; kind: string; title: string; description?: string | undefined },
      parentId: string | null,
    ): Promise<string> => {
      const id = await sync(
        'enjeux',
        `${e.code} / ${o.code}`,
        knownObjectifs.get(`${enjeuId}\u0000${o.code}`),
        { kind: o.kind, title: o.title, description: o.description ?? null, parentId },
        (data) => tx.objectif.create({ data: { enjeuId, code: o.code, ...data } }),
        (rowId, data) => tx.objectif.update({ where: { id: rowId }, data }),
      );
      keptObjectifs.add(id);
      return id;
    };
    for (const os of e.objectifs) {
      const parentId = await syncObjectif(os, null);
      for (const oo of os.objectifs ?? []) await syncObjectif(oo, parentId);
    }
  }
  return [...knownObjectifs.values()].filter((o) => !keptObjectifs.has(o.id));
}

async function writeInstances(
  { tx, sync }: SetupWriter,
  conventionId: string,
  instances: ConventionSetup['instances'],
): Promise<Ids> {
  const instanceIds = new Map<string, string>();
  const known = byKey(await tx.instance.findMany({ where: { conventionId } }), (i) => i.slug);
  for (const i of instances) {
    const wanted = {
      kind: i.kind,
      name: i.name,
      mission: i.mission ?? null,
      theme: i.theme ?? null,
      quorum: i.quorum ?? null,
      convocationDelayDays: i.convocationDelayDays ?? null,
      reminderDaysBefore: i.reminderDaysBefore ?? [...DEFAULT_REMINDER_DAYS],
      decisionReminderDays: i.decisionReminderDays ?? null,
      escalationDays: i.escalationDays ?? null,
      meetingRule: i.meetingRule ?? null,
    };
    // A JSON column is emptied with DbNull, not null; the comparison reads null.
    const stored = ({ meetingRule, ...data }: typeof wanted) => ({
      ...data,
      meetingRule: meetingRule ?? Prisma.DbNull,
    });
    const id = await sync(
      'instances',
      i.slug,
      known.get(i.slug),
      wanted,
      (data) => tx.instance.create({ data: { conventionId, slug: i.slug, ...stored(data) } }),
      (rowId, data) => tx.instance.update({ where: { id: rowId }, data: stored(data) }),
    );
    instanceIds.set(i.slug, id);
  }
  return instanceIds;
}

/** Writes the seats of the convention's instances; returns the ids of those the file no longer lists. */
async function writeMemberships(
  { tx, sync }: SetupWriter,
  conventionId: string,
  memberships: ConventionSetup['memberships'],
  ids: { structureIds: Ids; personIds: Ids; instanceIds: Ids },
): Promise<Stale['memberships']> {
  const known = byKey(
    await tx.membership.findMany({ where: { instance: { conventionId } } }),
    (m) => `${m.instanceId}\u0000${m.personId}`,
  );
  const kept = new Set<string>();
  for (const m of memberships) {
    const instanceId = ids.instanceIds.get(m.instance)!;
    const personId = ids.personIds.get(m.person)!;
    const wanted = {
      structureId: structureIdOf(ids.structureIds, m.structure),
      role: m.role,
      seat: m.seat,
      representsInstanceId: m.represents === undefined ? null : ids.instanceIds.get(m.represents)!,
    };
    const id = await sync(
      'membres',
      `${m.instance} · ${m.person}`,
      known.get(`${instanceId}\u0000${personId}`),
      wanted,
      (data) => tx.membership.create({ data: { instanceId, personId, ...data } }),
      (rowId, data) => tx.membership.update({ where: { id: rowId }, data }),
    );
    kept.add(id);
  }
  return [...known.values()].filter((m) => !kept.has(m.id)).map((m) => m.id);
}

async function writeMilestones(
  { tx, sync }: SetupWriter,
  conventionId: string,
  milestones: ConventionSetup['milestones'],
): Promise<void> {
  const known = byKey(await tx.milestone.findMany({ where: { conventionId } }), (m) => m.key);
  for (const m of milestones) {
    const wanted = {
      year: m.year,
      title: m.title,
      description: m.description ?? null,
      startDate: dateFromIso(m.startDate),
      endDate: m.endDate === undefined ? null : dateFromIso(m.endDate),
      ownerInstance: m.ownerInstance ?? null,
      ownerEmail: m.ownerEmail ?? null,
      status: m.status,
    };
    await sync(
      'jalons',
      m.key,
      known.get(m.key),
      wanted,
      (data) => tx.milestone.create({ data: { conventionId, key: m.key, ...data } }),
      (rowId, data) => tx.milestone.update({ where: { id: rowId }, data }),
    );
  }
}

/**
 * Writes the polls and their options; returns the ids of the options past the last one listed. An
 * option already answered, or chosen, cannot go: the import fails and names it.
 */
async function writePolls(
  { tx, sync }: SetupWriter,
  conventionId: string,
  polls: ConventionSetup['polls'],
  instanceIds: Ids,
): Promise<Stale['pollOptions']> {
  const knownPolls = byKey(
    await tx.poll.findMany({
      where: { conventionId },
      include: { options: { include: { _count: { select: { votes: true } } } } },
    }),
    (p) => p.key,
  );
  const staleOptions: string[] = [];
  for (const [pollIndex, p] of polls.entries()) {
    const known = knownPolls.get(p.key);
    const wanted = {
      title: p.title,
      description: p.description ?? null,
      organizerEmail: p.organizerEmail,
      instanceId: p.instance === undefined ? null : instanceIds.get(p.instance)!,
      location: p.location ?? null,
      deadline: p.deadline === undefined ? null : new Date(p.deadline),
    };
    const pollId = await sync(
      'sondages',
      p.key,
      known,
      wanted,
      (data) => tx.poll.create({ data: { conventionId, key: p.key, ...data } }),
      (rowId, data) => tx.poll.update({ where: { id: rowId }, data }),
    );
    const knownOptions = byKey(known?.options ?? [], (o) => String(o.position));
    for (const [index, o] of p.options.entries()) {
      const position = index + 1;
      const optionWanted = {
        kind: o.kind,
        startsAt: new Date(o.startsAt),
        endsAt: new Date(o.endsAt),
        label: o.label,
        capacity: o.capacity ?? null,
      };
      await sync(
        'sondages',
        `${p.key}, option ${position}`,
        knownOptions.get(String(position)),
        optionWanted,
        (data) => tx.pollOption.create({ data: { pollId, position, ...data } }),
        (rowId, data) => tx.pollOption.update({ where: { id: rowId }, data }),
      );
    }
    for (const o of known?.options ?? []) {
      if (o.position <= p.options.length) continue;
      if (o._count.votes > 0 || known?.chosenOptionId === o.id) {
        throw new DomainError(
          'INVALID_INPUT',
          `Le sondage « ${p.key} » a déjà des réponses pour l’option ${o.position} (« ${o.label} ») : ` +
            'elle ne peut pas être retirée. Gardez-la dans le fichier.',
          `polls.${pollIndex}.options`,
          [
            {
              field: `polls.${pollIndex}.options`,
              message: `L’option ${o.position} (« ${o.label} ») a déjà des réponses.`,
            },
          ],
        );
      }
      staleOptions.push(o.id);
    }
  }
  return staleOptions;
}

/** An objectif a fiche action cites is never removed: the import fails instead and names it. */
async function assertObjectifsUncited(tx: Tx, staleObjectifs: Stale['objectifs']): Promise<void> {
  if (staleObjectifs.length === 0) return;
  const cited = await tx.objectif.findMany({
    where: { id: { in: staleObjectifs.map((o) => o.id) }, fiches: { some: {} } },
    select: { code: true, enjeu: { select: { code: true } } },
  });
  if (cited.length > 0) {
    const issues = cited.map((o) => ({
      field: 'enjeux',
      message:
        `L’objectif « ${o.code} » de l’enjeu « ${o.enjeu.code} » ` +
        `est cité par une fiche action : gardez-le dans le fichier.`,
    }));
    throw new DomainError('INVALID_INPUT', issues.map((i) => i.message).join(' '), 'enjeux', issues);
  }
}

/** Removes what the file no longer lists; returns how many rows went. */
async function removeStale(tx: Tx, stale: Stale): Promise<number> {
  let removed = 0;
  if (stale.memberships.length > 0) {
    removed += (await tx.membership.deleteMany({ where: { id: { in: stale.memberships } } })).count;
  }
  if (stale.objectifs.length > 0) {
    // Children first: deleting a parent would cascade and hide them from the count.
    const ordered = [...stale.objectifs].sort((a, b) => Number(a.parentId === null) - Number(b.parentId === null));
    for (const o of ordered) removed += (await tx.objectif.deleteMany({ where: { id: o.id } })).count;
  }
  if (stale.pollOptions.length > 0) {
    removed += (await tx.pollOption.deleteMany({ where: { id: { in: stale.pollOptions } } })).count;
  }
  return removed;
}

function byKey<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T> {
  return new Map(rows.map((row) => [keyOf(row), row]));
}

/** Whether any wanted field differs from the row: dates by instant, JSON by content. */
function differs(row: Record<string, unknown>, wanted: object): boolean {
  return Object.entries(wanted).some(([key, value]) => !sameValue(row[key], value));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    return canonicalJson(a) === canonicalJson(b);
  }
  return a === b;
}

/** JSON with object keys sorted, so two equal documents compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}

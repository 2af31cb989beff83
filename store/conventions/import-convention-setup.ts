import { REFERENCE_CHARTER } from '../../domain/charter.js';
import { dateFromIso, parseConventionSetup, type ConventionSetup } from '../../domain/convention-setup.js';
import { DomainError } from '../../domain/errors.js';
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
  const tally = (outcome: Outcome, step: string) => {
    summary[outcome] += 1;
    done += 1;
    options.onProgress?.(done, total, step);
  };
  // A first load of the demo writes a few hundred rows: well past Prisma's 5 s default on a slow disk.
  await prisma.$transaction((tx) => writeSetup(tx, setup, tally, summary), { maxWait: 10_000, timeout: 120_000 });
  return summary;
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

async function writeSetup(
  tx: Tx,
  setup: ConventionSetup,
  tally: (outcome: Outcome, step: string) => void,
  summary: ImportSummary,
): Promise<void> {
  const sync = async <W extends object>(
    step: string,
    existing: ({ id: string } & Record<string, unknown>) | undefined,
    wanted: W,
    create: (data: W) => Promise<{ id: string }>,
    update: (id: string, data: W) => Promise<unknown>,
  ): Promise<string> => {
    if (!existing) {
      const row = await create(wanted);
      tally('created', step);
      return row.id;
    }
    if (differs(existing, wanted)) {
      await update(existing.id, wanted);
      tally('updated', step);
    } else tally('unchanged', step);
    return existing.id;
  };

  const structureIds = new Map<string, string>();
  const knownStructures = byKey(
    await tx.structure.findMany({ where: { slug: { in: setup.structures.map((s) => s.slug) } } }),
    (s) => s.slug,
  );
  for (const s of setup.structures) {
    const wanted = { name: s.name, kind: s.kind, email: s.email ?? null, address: s.address ?? null };
    const id = await sync(
      'structures',
      knownStructures.get(s.slug),
      wanted,
      (data) => tx.structure.create({ data: { slug: s.slug, ...data } }),
      (rowId, data) => tx.structure.update({ where: { id: rowId }, data }),
    );
    structureIds.set(s.slug, id);
  }
  const structureId = (slug: string | undefined) => (slug === undefined ? null : structureIds.get(slug)!);

  const personIds = new Map<string, string>();
  const knownPeople = byKey(
    await tx.person.findMany({ where: { email: { in: setup.people.map((p) => p.email) } } }),
    (p) => p.email,
  );
  for (const p of setup.people) {
    const wanted = {
      displayName: p.displayName,
      title: p.title ?? null,
      phone: p.phone ?? null,
      structureId: structureId(p.structure),
      ...(p.admin === undefined ? {} : { admin: p.admin }),
    };
    const id = await sync(
      'personnes',
      knownPeople.get(p.email),
      wanted,
      (data) => tx.person.create({ data: { email: p.email, ...data } }),
      (rowId, data) => tx.person.update({ where: { id: rowId }, data }),
    );
    personIds.set(p.email, id);
  }

  const c = setup.convention;
  const conventionWanted = {
    name: c.name,
    territory: c.territory,
    startDate: dateFromIso(c.startDate),
    endDate: dateFromIso(c.endDate),
    status: c.status,
    charter: (c.charter ?? REFERENCE_CHARTER) as unknown as Prisma.InputJsonValue,
    timezone: c.timezone,
    schoolZone: c.schoolZone ?? null,
  };
  const knownConvention = await tx.convention.findUnique({ where: { slug: c.slug } });
  const conventionId = await sync(
    'convention',
    knownConvention ?? undefined,
    conventionWanted,
    (data) => tx.convention.create({ data: { slug: c.slug, ...data } }),
    (rowId, data) => tx.convention.update({ where: { id: rowId }, data }),
  );

  const knownSignatories = byKey(await tx.signatory.findMany({ where: { conventionId } }), (s) => s.structureId);
  for (const s of setup.signatories) {
    const sid = structureIds.get(s.structure)!;
    await sync(
      'signataires',
      knownSignatories.get(sid),
      { signedAt: s.signedAt === undefined ? null : dateFromIso(s.signedAt) },
      (data) => tx.signatory.create({ data: { conventionId, structureId: sid, ...data } }),
      (rowId, data) => tx.signatory.update({ where: { id: rowId }, data }),
    );
  }

  const knownAmendments = byKey(await tx.amendment.findMany({ where: { conventionId } }), (a) => String(a.number));
  for (const a of setup.amendments) {
    const wanted = {
      title: a.title,
      description: a.description ?? null,
      newEndDate: a.newEndDate === undefined ? null : dateFromIso(a.newEndDate),
      signedAt: a.signedAt === undefined ? null : dateFromIso(a.signedAt),
    };
    await sync(
      'avenants',
      knownAmendments.get(String(a.number)),
      wanted,
      (data) => tx.amendment.create({ data: { conventionId, number: a.number, ...data } }),
      (rowId, data) => tx.amendment.update({ where: { id: rowId }, data }),
    );
  }

  const knownEnjeux = byKey(await tx.enjeu.findMany({ where: { conventionId } }), (e) => e.code);
  const knownObjectifs = byKey(
    await tx.objectif.findMany({ where: { enjeu: { conventionId } } }),
    (o) => `${o.enjeuId}\u0000${o.code}`,
  );
  const keptObjectifs = new Set<string>();
  for (const [index, e] of setup.enjeux.entries()) {
    const enjeuId = await sync(
      'enjeux',
      knownEnjeux.get(e.code),
      { position: index + 1, title: e.title, description: e.description ?? null },
      (data) => tx.enjeu.create({ data: { conventionId, code: e.code, ...data } }),
      (rowId, data) => tx.enjeu.update({ where: { id: rowId }, data }),
    );
    const syncObjectif = async (
      o: { code: string; kind: string; title: string; description?: string | undefined },
      parentId: string | null,
    ): Promise<string> => {
      const key = `${enjeuId}\u0000${o.code}`;
      const id = await sync(
        'enjeux',
        knownObjectifs.get(key),
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

  const instanceIds = new Map<string, string>();
  const knownInstances = byKey(await tx.instance.findMany({ where: { conventionId } }), (i) => i.slug);
  for (const i of setup.instances) {
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
      knownInstances.get(i.slug),
      wanted,
      (data) => tx.instance.create({ data: { conventionId, slug: i.slug, ...stored(data) } }),
      (rowId, data) => tx.instance.update({ where: { id: rowId }, data: stored(data) }),
    );
    instanceIds.set(i.slug, id);
  }

  const knownMemberships = byKey(
    await tx.membership.findMany({ where: { instance: { conventionId } } }),
    (m) => `${m.instanceId}\u0000${m.personId}`,
  );
  const keptMemberships = new Set<string>();
  for (const m of setup.memberships) {
    const instanceId = instanceIds.get(m.instance)!;
    const personId = personIds.get(m.person)!;
    const wanted = {
      structureId: structureId(m.structure),
      role: m.role,
      seat: m.seat,
      representsInstanceId: m.represents === undefined ? null : instanceIds.get(m.represents)!,
    };
    const id = await sync(
      'membres',
      knownMemberships.get(`${instanceId}\u0000${personId}`),
      wanted,
      (data) => tx.membership.create({ data: { instanceId, personId, ...data } }),
      (rowId, data) => tx.membership.update({ where: { id: rowId }, data }),
    );
    keptMemberships.add(id);
  }

  const knownMilestones = byKey(await tx.milestone.findMany({ where: { conventionId } }), (m) => m.key);
  for (const m of setup.milestones) {
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
      knownMilestones.get(m.key),
      wanted,
      (data) => tx.milestone.create({ data: { conventionId, key: m.key, ...data } }),
      (rowId, data) => tx.milestone.update({ where: { id: rowId }, data }),
    );
  }

  const knownPolls = byKey(
    await tx.poll.findMany({
      where: { conventionId },
      include: { options: { include: { _count: { select: { votes: true } } } } },
    }),
    (p) => p.key,
  );
  const staleOptions: string[] = [];
  for (const [pollIndex, p] of setup.polls.entries()) {
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

  const staleObjectifs = [...knownObjectifs.values()].filter((o) => !keptObjectifs.has(o.id));
  if (staleObjectifs.length > 0) {
    const cited = await tx.objectif.findMany({
      where: { id: { in: staleObjectifs.map((o) => o.id) }, fiches: { some: {} } },
      select: { code: true, enjeu: { select: { code: true } } },
    });
    if (cited.length > 0) {
      const issues = cited.map((o) => ({
        field: 'enjeux',
        message: `L’objectif « ${o.code} » de l’enjeu « ${o.enjeu.code} » est cité par une fiche action : gardez-le dans le fichier.`,
      }));
      throw new DomainError('INVALID_INPUT', issues.map((i) => i.message).join(' '), 'enjeux', issues);
    }
  }
  const staleMemberships = [...knownMemberships.values()].filter((m) => !keptMemberships.has(m.id)).map((m) => m.id);
  if (staleMemberships.length > 0) {
    summary.removed += (await tx.membership.deleteMany({ where: { id: { in: staleMemberships } } })).count;
  }
  if (staleObjectifs.length > 0) {
    // Children first: deleting a parent would cascade and hide them from the count.
    const ordered = [...staleObjectifs].sort((a, b) => Number(a.parentId === null) - Number(b.parentId === null));
    for (const o of ordered) summary.removed += (await tx.objectif.deleteMany({ where: { id: o.id } })).count;
  }
  if (staleOptions.length > 0) {
    summary.removed += (await tx.pollOption.deleteMany({ where: { id: { in: staleOptions } } })).count;
  }
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

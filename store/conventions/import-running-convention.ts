import { randomUUID } from 'node:crypto';
import type { FieldIssue } from '../../domain/errors.js';
import {
  DECIDED_AT_STAGE,
  importedTitle,
  importedVersionState,
  previewRunning,
  runningFileError,
  type RunningConvention,
  type RunningPreview,
} from '../../domain/running-convention.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

/** What to write: a file parseRunningConvention accepted, each fiche's ids (in the file's order), who and when. */
export interface RunningImportInput {
  conventionId: string;
  file: RunningConvention;
  fiches: ReadonlyArray<{ ficheId: string; workflowId: string }>;
  importedBy: string;
  at: Date;
}

/** What was written: each fiche with its reference, in the file's order. */
export interface RunningImportResult {
  meetings: number;
  decisions: number;
  fiches: Array<{ ficheId: string; workflowId: string; code: string; title: string }>;
}

type Tx = Prisma.TransactionClient;
const HELD_MEETING_MS = 2 * 3_600_000;

/**
 * Writes a running convention (domain/running-convention.ts) in one transaction: the meetings held
 * (status « tenue », with the attendance given), each fiche with its versions and their states, the
 * decisions taken (on their meeting when named), and one audit line per fiche (`fiche.import`) by the
 * importing admin. References to the convention's setup (instance slugs, people's addresses, a
 * reference already given to another fiche) are checked first: on any problem a DomainError
 * ('INVALID_INPUT') lists them all with their JSON paths, and nothing is written. The workflows are
 * started by the caller once this has committed (client/import-running-convention.ts).
 */
export async function importRunningConvention(
  db: PrismaClient,
  input: RunningImportInput,
): Promise<RunningImportResult> {
  return db.$transaction(async (tx) => {
    // Fiches of one convention are numbered one writer at a time, as saveFiche does.
    await tx.$queryRaw`SELECT 1 FROM "Convention" WHERE id = ${input.conventionId} FOR UPDATE`;
    const context = await checkedContext(tx, input);
    const meetingIds = await writeMeetings(tx, input, context);
    const codes = givenCodes(input.file, context.codes, input.at);
    let decisions = 0;
    const fiches: RunningImportResult['fiches'] = [];
    for (const [index, fiche] of input.file.fiches.entries()) {
      const { ficheId, workflowId } = input.fiches[index]!;
      const code = codes[index]!;
      const byVersion = [...fiche.versions].sort((a, b) => a.version - b.version);
      await tx.ficheAction.create({
        data: {
          id: ficheId,
          conventionId: input.conventionId,
          code,
          status: fiche.stage,
          workflowId,
          authorEmail: fiche.authorEmail,
          versions: {
            create: byVersion.map((v) => ({
              version: v.version,
              title: v.title,
              publicVise: v.publicVise ?? null,
              secteur: v.secteur ?? null,
              calendrier: v.calendrier ?? null,
              state: importedVersionState(fiche, v.version),
              createdBy: input.importedBy,
            })),
          },
        },
      });
      for (const [j, decision] of fiche.decisions.entries()) {
        await tx.decision.create({
          data: {
            idempotencyKey: `import:${ficheId}:${j}`,
            ficheId,
            version: decision.version,
            instanceId: context.instanceOfKind.get(decision.body) ?? null,
            meetingId: decision.meeting ? meetingIds.get(decision.meeting)! : null,
            stage: DECIDED_AT_STAGE[decision.body],
            outcome: decision.outcome,
            comment: decision.comment ?? null,
            actorEmail: input.importedBy,
            actorRole: 'admin',
            decidedAt: new Date(decision.date),
          },
        });
        decisions++;
      }
      // The fiche is known by the version that applies; an amendment's title shows once it is validated.
      const title = importedTitle(fiche);
      await tx.auditEvent.create({
        data: {
          key: `fiche.import:${ficheId}`,
          actor: input.importedBy,
          action: 'fiche.import',
          subject: `fiche:${ficheId}`,
          details: {
            code,
            title,
            stage: fiche.stage,
            ...(fiche.versionInForce !== undefined ? { versionInForce: fiche.versionInForce } : {}),
            versions: byVersion.map((v) => v.version),
            decisions: fiche.decisions.length,
          },
          at: input.at,
        },
      });
      fiches.push({ ficheId, workflowId, code, title });
    }
    return { meetings: meetingIds.size, decisions, fiches };
  });
}

/**
 * What {@link importRunningConvention} would write, counted, without writing anything: the same
 * references checked (the same DomainError on any problem), each fiche with the reference it would get.
 */
export async function previewRunningConvention(
  db: PrismaClient,
  input: Pick<RunningImportInput, 'conventionId' | 'file' | 'at'>,
): Promise<RunningPreview> {
  return db.$transaction(async (tx) => {
    const context = await checkedContext(tx, input);
    return previewRunning(input.file, givenCodes(input.file, context.codes, input.at));
  });
}

/** The references each fiche gets, in the file's order: its own, else the next free FA-<year>-<n>. */
function givenCodes(file: RunningConvention, taken: readonly string[], at: Date): string[] {
  const codes = new Set(taken);
  return file.fiches.map((fiche) => {
    const code = fiche.code ?? nextCode(codes, at);
    codes.add(code);
    return code;
  });
}

/** The setup the file refers to; a DomainError listing every reference it lacks. */
async function checkedContext(tx: Tx, input: Pick<RunningImportInput, 'conventionId' | 'file'>): Promise<Context> {
  const context = await readContext(tx, input);
  const issues = checkReferences(input.file, context);
  if (issues.length > 0) throw runningFileError(issues);
  return context;
}

interface Context {
  instances: Map<string, { id: string; kind: string }>;
  instanceOfKind: Map<string, string>;
  people: Map<string, string>;
  codes: string[];
}

async function readContext(tx: Tx, input: Pick<RunningImportInput, 'conventionId' | 'file'>): Promise<Context> {
  const instances = await tx.instance.findMany({
    where: { conventionId: input.conventionId },
    select: { id: true, slug: true, kind: true },
    orderBy: { slug: 'asc' },
  });
  const emails = input.file.meetings.flatMap((m) => [...(m.present ?? []), ...(m.excused ?? [])]);
  const people = await tx.person.findMany({ where: { email: { in: emails } }, select: { id: true, email: true } });
  const fiches = await tx.ficheAction.findMany({ where: { conventionId: input.conventionId }, select: { code: true } });
  const instanceOfKind = new Map<string, string>();
  for (const instance of instances)
    if (!instanceOfKind.has(instance.kind)) instanceOfKind.set(instance.kind, instance.id);
  return {
    instances: new Map(instances.map((i) => [i.slug, { id: i.id, kind: i.kind }])),
    instanceOfKind,
    people: new Map(people.map((p) => [p.email, p.id])),
    codes: fiches.map((f) => f.code),
  };
}

function checkReferences(file: RunningConvention, context: Context): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const kindOfMeeting = new Map<string, string | undefined>();
  file.meetings.forEach((meeting, i) => {
    const instance = context.instances.get(meeting.instance);
    kindOfMeeting.set(meeting.key, instance?.kind);
    if (!instance)
      issues.push({
        field: `meetings.${i}.instance`,
        message: `Aucune instance « ${meeting.instance} » dans la convention : importez d’abord sa configuration.`,
      });
    for (const list of ['present', 'excused'] as const)
      meeting[list]?.forEach((address, j) => {
        if (!context.people.has(address))
          issues.push({ field: `meetings.${i}.${list}.${j}`, message: `Personne inconnue : ${address}.` });
      });
  });
  file.fiches.forEach((fiche, i) => {
    if (fiche.code !== undefined && context.codes.includes(fiche.code))
      issues.push({
        field: `fiches.${i}.code`,
        message: `La convention a déjà une fiche « ${fiche.code} » : une référence par fiche.`,
      });
    fiche.decisions.forEach((decision, j) => {
      if (!context.instanceOfKind.has(decision.body))
        issues.push({
          field: `fiches.${i}.decisions.${j}.body`,
          message: `La convention n’a pas d’instance « ${decision.body} » : importez d’abord sa configuration.`,
        });
      const kind = decision.meeting === undefined ? undefined : kindOfMeeting.get(decision.meeting);
      if (kind !== undefined && kind !== decision.body)
        issues.push({
          field: `fiches.${i}.decisions.${j}.meeting`,
          message:
            `La réunion « ${decision.meeting} » n’est pas une réunion ` +
            `de l’instance qui décide (« ${decision.body} »).`,
        });
    });
  });
  return issues;
}

async function writeMeetings(tx: Tx, input: RunningImportInput, context: Context): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const meeting of input.file.meetings) {
    const startsAt = new Date(meeting.startsAt);
    const created = await tx.meeting.create({
      data: {
        conventionId: input.conventionId,
        instanceId: context.instances.get(meeting.instance)!.id,
        title: meeting.title,
        startsAt,
        endsAt: meeting.endsAt ? new Date(meeting.endsAt) : new Date(startsAt.getTime() + HELD_MEETING_MS),
        location: meeting.location ?? null,
        status: 'tenue',
        icalUid: `${randomUUID()}@concerto`,
        invitations: {
          create: [
            ...(meeting.present ?? []).map((address) => ({
              personId: context.people.get(address)!,
              attendance: 'present',
            })),
            ...(meeting.excused ?? []).map((address) => ({
              personId: context.people.get(address)!,
              attendance: 'excuse',
            })),
          ],
        },
      },
      select: { id: true },
    });
    ids.set(meeting.key, created.id);
  }
  return ids;
}

/** The next free FA-<year>-<n> of the convention. */
function nextCode(taken: ReadonlySet<string>, at: Date): string {
  for (let n = taken.size + 1; ; n++) {
    const code = `FA-${at.getUTCFullYear()}-${String(n).padStart(2, '0')}`;
    if (!taken.has(code)) return code;
  }
}

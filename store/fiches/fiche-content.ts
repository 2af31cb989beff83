import { DomainError, type FieldIssue } from '../../domain/errors.js';
import {
  diffContents,
  type BudgetLine,
  type FicheContent,
  type FicheContentEdit,
  type IndicatorTarget,
} from '../../domain/fiche-content.js';
import type { FicheVersionView } from '../../domain/fiche-views.js';
import { summariseIssues } from '../../domain/validation.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

type Db = PrismaClient | Prisma.TransactionClient;

const CONTENT_INCLUDE = {
  enjeu: { select: { code: true } },
  objectifs: { select: { code: true }, orderBy: { code: 'asc' } },
  pilote: { select: { email: true } },
  partenaires: { select: { slug: true }, orderBy: { slug: 'asc' } },
} as const satisfies Prisma.FicheVersionInclude;

type VersionRow = Prisma.FicheVersionGetPayload<{ include: typeof CONTENT_INCLUDE }>;

function contentOf(row: VersionRow): FicheContent {
  return {
    title: row.title,
    enjeu: row.enjeu?.code ?? null,
    objectifs: row.objectifs.map((o) => o.code),
    pilote: row.pilote?.email ?? null,
    partenaires: row.partenaires.map((s) => s.slug),
    publicVise: row.publicVise,
    secteur: row.secteur,
    calendrier: row.calendrier,
    budget: (row.budget as BudgetLine[] | null) ?? [],
    indicateurs: (row.indicateurs as IndicatorTarget[] | null) ?? [],
  };
}

export async function readFicheContent(db: Db, ficheId: string, version: number): Promise<FicheContent> {
  return contentOf(
    await db.ficheVersion.findUniqueOrThrow({
      where: { ficheId_version: { ficheId, version } },
      include: CONTENT_INCLUDE,
    }),
  );
}

export async function listFicheVersions(db: Db, ficheId: string): Promise<FicheVersionView[]> {
  const rows = await db.ficheVersion.findMany({
    where: { ficheId },
    include: CONTENT_INCLUDE,
    orderBy: { version: 'asc' },
  });
  return rows.map((row, index) => {
    const content = contentOf(row);
    const previous = index > 0 ? contentOf(rows[index - 1]!) : null;
    return {
      version: row.version,
      state: row.state,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      content,
      changes: previous ? diffContents(previous, content) : [],
    };
  });
}

/** The database ids an edit's references stand for; every unknown one is reported, with its field. */
async function resolveReferences(db: Db, conventionId: string, edit: FicheContentEdit) {
  const issues: FieldIssue[] = [];
  let enjeuId: string | null | undefined = undefined;
  if (edit.enjeu !== undefined) {
    enjeuId =
      edit.enjeu === null
        ? null
        : ((
            await db.enjeu.findUnique({
              where: { conventionId_code: { conventionId, code: edit.enjeu } },
              select: { id: true },
            })
          )?.id ?? undefined);
    if (enjeuId === undefined)
      issues.push({ field: 'enjeu', message: `Aucun enjeu « ${edit.enjeu} » dans cette convention.` });
  }
  let objectifIds: string[] | undefined = undefined;
  if (edit.objectifs !== undefined) {
    const found = await db.objectif.findMany({
      where: { code: { in: edit.objectifs }, enjeu: { conventionId } },
      select: { id: true, code: true },
    });
    edit.objectifs.forEach((wanted, i) => {
      if (!found.some((o) => o.code === wanted))
        issues.push({ field: `objectifs.${i}`, message: `Aucun objectif « ${wanted} » dans cette convention.` });
    });
    objectifIds = found.map((o) => o.id);
  }
  let piloteId: string | null | undefined = undefined;
  if (edit.pilote !== undefined) {
    piloteId =
      edit.pilote === null
        ? null
        : ((await db.person.findUnique({ where: { email: edit.pilote }, select: { id: true } }))?.id ?? undefined);
    if (piloteId === undefined)
      issues.push({
        field: 'pilote',
        message: `${edit.pilote} n’est connu de Concerto : ajoutez d’abord cette personne aux membres.`,
      });
  }
  let structureIds: string[] | undefined = undefined;
  if (edit.partenaires !== undefined) {
    const found = await db.structure.findMany({
      where: { slug: { in: edit.partenaires } },
      select: { id: true, slug: true },
    });
    edit.partenaires.forEach((wanted, i) => {
      if (!found.some((s) => s.slug === wanted))
        issues.push({
          field: `partenaires.${i}`,
          message: `Aucune structure « ${wanted} » : vérifiez son identifiant (slug).`,
        });
    });
    structureIds = found.map((s) => s.id);
  }
  if (issues.length > 0) {
    throw new DomainError(
      'INVALID_INPUT',
      summariseIssues('la modification de la fiche', issues),
      issues[0]!.field,
      issues,
    );
  }
  return { enjeuId, objectifIds, piloteId, structureIds };
}

/** Checks an edit's references without writing anything: the API refuses a wrong one before the workflow sees it. */
export async function checkContentReferences(db: Db, conventionId: string, edit: FicheContentEdit): Promise<void> {
  await resolveReferences(db, conventionId, edit);
}

/** Writes an edit onto a draft version; the fields it does not name stay as they are. */
export async function writeFicheContent(
  db: Db,
  input: { conventionId: string; ficheId: string; version: number; edit: FicheContentEdit },
): Promise<FicheContent> {
  const { edit } = input;
  const refs = await resolveReferences(db, input.conventionId, edit);
  const row = await db.ficheVersion.update({
    where: { ficheId_version: { ficheId: input.ficheId, version: input.version } },
    data: {
      ...(edit.title !== undefined ? { title: edit.title } : {}),
      ...(refs.enjeuId !== undefined ? { enjeuId: refs.enjeuId } : {}),
      ...(refs.objectifIds !== undefined ? { objectifs: { set: refs.objectifIds.map((id) => ({ id })) } } : {}),
      ...(refs.piloteId !== undefined ? { piloteId: refs.piloteId } : {}),
      ...(refs.structureIds !== undefined ? { partenaires: { set: refs.structureIds.map((id) => ({ id })) } } : {}),
      ...(edit.publicVise !== undefined ? { publicVise: edit.publicVise } : {}),
      ...(edit.secteur !== undefined ? { secteur: edit.secteur } : {}),
      ...(edit.calendrier !== undefined ? { calendrier: edit.calendrier } : {}),
      ...(edit.budget !== undefined ? { budget: edit.budget as unknown as Prisma.InputJsonValue } : {}),
      ...(edit.indicateurs !== undefined ? { indicateurs: edit.indicateurs as unknown as Prisma.InputJsonValue } : {}),
    },
    include: CONTENT_INCLUDE,
  });
  return contentOf(row);
}

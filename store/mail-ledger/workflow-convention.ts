import { planPeriod } from '../../domain/plan-actions.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** What a workflow's mail is about: its convention, in French what it concerns, and who organised it. */
export interface WorkflowSubject {
  conventionId: string;
  /** The convention's slug, for the mail's List-Id. */
  conventionSlug: string;
  conventionName: string;
  /** « la fiche FA-2026-03 », « la réunion « COTECH de juin » »… */
  about: string;
  /** The fiche's author, the poll's organiser; none for a meeting or a convention-wide workflow. */
  organiser?: string;
}

/** The convention of a convention-wide workflow, from its id (`convention-<id>`, `calendar-<id>`). */
const CONVENTION_WIDE = /^(?:convention|calendar)-(.+)$/;

/**
 * The fiche, meeting, poll, plan d'actions or convention a mail's workflow is about, or null for a mail of no
 * workflow (the alerts, keyed `alert:…`). The fiche's mails name their workflow only in their key
 * (`<workflowId>:step-…`).
 */
export async function findWorkflowSubject(
  db: PrismaClient,
  input: { workflowId: string | null; idempotencyKey: string },
): Promise<WorkflowSubject | null> {
  const workflowId = input.workflowId ?? input.idempotencyKey.split(':')[0];
  if (!workflowId) return null;
  const found = await findSubject(db, workflowId);
  if (!found) return null;
  const convention = await db.convention.findUnique({
    where: { id: found.conventionId },
    select: { slug: true, name: true },
  });
  if (!convention) return null;
  return { ...found, conventionSlug: convention.slug, conventionName: convention.name };
}

async function findSubject(
  db: PrismaClient,
  workflowId: string,
): Promise<Pick<WorkflowSubject, 'conventionId' | 'about' | 'organiser'> | null> {
  const fiche = await db.ficheAction.findUnique({
    where: { workflowId },
    select: { conventionId: true, code: true, authorEmail: true },
  });
  if (fiche) return { conventionId: fiche.conventionId, about: `la fiche ${fiche.code}`, organiser: fiche.authorEmail };
  const meeting = await db.meeting.findUnique({ where: { workflowId }, select: { conventionId: true, title: true } });
  if (meeting) return { conventionId: meeting.conventionId, about: `la réunion « ${meeting.title} »` };
  const poll = await db.poll.findUnique({
    where: { workflowId },
    select: { conventionId: true, title: true, organizerEmail: true },
  });
  if (poll)
    return { conventionId: poll.conventionId, about: `le sondage « ${poll.title} »`, organiser: poll.organizerEmail };
  const plan = await db.planActions.findUnique({
    where: { workflowId },
    select: { conventionId: true, startYear: true, endYear: true },
  });
  if (plan)
    return { conventionId: plan.conventionId, about: `le plan d’actions ${planPeriod(plan.startYear, plan.endYear)}` };
  const wide = CONVENTION_WIDE.exec(workflowId);
  return wide ? { conventionId: wide[1]!, about: 'le calendrier de la convention' } : null;
}

import type { PrismaClient } from '../../generated/prisma/client.js';

/** Who is told that a mail of a workflow failed, and what the workflow is about, in French. */
export interface AlertAudience {
  /** « la fiche FA-2026-03 « Ludothèque » », « la réunion « COTECH de juin » »… */
  about: string;
  /** The organiser (the fiche's author, the poll's organiser) and the coordinators, lower-cased. */
  recipients: string[];
}

/** The coordinators of a convention: these roles in that body (workflows/definitions.ts' DEFAULT_TIMING). */
export interface CoordinatorsSpec {
  instanceKind: string;
  roles: readonly string[];
}

/** The convention of a convention-wide workflow, from its id (`convention-<id>`, `calendar-<id>`). */
const CONVENTION_WIDE = /^(?:convention|calendar)-(.+)$/;

/**
 * The people to tell when a mail of this workflow fails: its organiser, where it has one, and the
 * convention's coordinators. Empty for a mail that belongs to no workflow (the alerts themselves,
 * keyed `alert:…`).
 */
export async function findAlertAudience(
  db: PrismaClient,
  input: { workflowId: string | null; idempotencyKey: string; coordinators: CoordinatorsSpec },
): Promise<AlertAudience> {
  // The fiche's mails name their workflow only in their key (`<workflowId>:step-…`).
  const workflowId = input.workflowId ?? input.idempotencyKey.split(':')[0];
  if (!workflowId) return { about: '', recipients: [] };
  let found: { conventionId: string; about: string; organiser?: string } | null = null;
  const fiche = await db.ficheAction.findUnique({
    where: { workflowId },
    select: { conventionId: true, code: true, authorEmail: true },
  });
  if (fiche)
    found = { conventionId: fiche.conventionId, about: `la fiche ${fiche.code}`, organiser: fiche.authorEmail };
  const meeting = found
    ? null
    : await db.meeting.findUnique({ where: { workflowId }, select: { conventionId: true, title: true } });
  if (meeting) found = { conventionId: meeting.conventionId, about: `la réunion « ${meeting.title} »` };
  const poll =
    found || meeting
      ? null
      : await db.poll.findUnique({
          where: { workflowId },
          select: { conventionId: true, title: true, organizerEmail: true },
        });
  if (poll)
    found = { conventionId: poll.conventionId, about: `le sondage « ${poll.title} »`, organiser: poll.organizerEmail };
  const wide = CONVENTION_WIDE.exec(workflowId);
  if (!found && wide) found = { conventionId: wide[1]!, about: 'le calendrier de la convention' };
  if (!found) return { about: '', recipients: [] };
  const coordinators = await db.membership.findMany({
    where: {
      instance: { conventionId: found.conventionId, kind: input.coordinators.instanceKind },
      role: { in: [...input.coordinators.roles] },
    },
    select: { person: { select: { email: true } } },
  });
  const emails = [...(found.organiser ? [found.organiser] : []), ...coordinators.map((m) => m.person.email)];
  return { about: found.about, recipients: [...new Set(emails.map((e) => e.toLowerCase()))].sort() };
}

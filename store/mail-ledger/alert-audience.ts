import type { PrismaClient } from '../../generated/prisma/client.js';
import { findWorkflowSubject } from './workflow-convention.js';

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

/**
 * The people to tell when a mail of this workflow fails: its organiser, where it has one, and the
 * convention's coordinators. Empty for a mail that belongs to no workflow (the alerts themselves,
 * keyed `alert:…`).
 */
export async function findAlertAudience(
  db: PrismaClient,
  input: { workflowId: string | null; idempotencyKey: string; coordinators: CoordinatorsSpec },
): Promise<AlertAudience> {
  const found = await findWorkflowSubject(db, input);
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

import type { Client } from '@temporalio/client';
import { parseContentEdit } from '../domain/fiche-content.js';
import type { FicheState } from '../domain/fiche-views.js';
import type { Actor } from '../domain/lifecycle/model.js';
import type { Store } from '../store/index.js';
import { editContentUpdate, ficheWorkflowId } from '../workflows/definitions.js';

/**
 * Writes a fiche's draft, for the API and the pages alike: the edit is checked by its schema, its
 * references (enjeu, objectifs, pilote, partenaires) against the convention before the workflow
 * sees it, then the workflow's update refuses a version under review or a person who may not write.
 */
export async function editFicheContent(
  deps: { client: Client; store: Store },
  fiche: { id: string; conventionId: string; workflowId: string | null },
  actor: Actor,
  input: unknown,
): Promise<FicheState> {
  const edit = parseContentEdit(input);
  await deps.store.fiches.checkContentReferences(fiche.conventionId, edit);
  return deps.client.workflow
    .getHandle(fiche.workflowId ?? ficheWorkflowId(fiche.id))
    .executeUpdate(editContentUpdate, { args: [{ actor, edit }] });
}

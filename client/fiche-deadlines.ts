import type { Client } from '@temporalio/client';
import type { FicheState, FicheSummary } from '../domain/fiche-views.js';
import { ficheStateQuery, ficheWorkflowId } from '../workflows/definitions.js';

/** What a fiche waits for, and when its workflow reminds or escalates (ISO instants). */
export interface FicheDeadline {
  fiche: Pick<FicheSummary, 'id' | 'code' | 'title'>;
  /** French, from the lifecycle: « le COTECH rend son avis … sur la version 1 ». */
  what: string | null;
  reminder?: string;
  escalation?: string;
  evaluation?: string;
}

/** Stages whose workflow keeps a deadline: a body's decision awaited, or the yearly évaluation. */
const WAITING = new Set(['soumise', 'attente_copil', 'attente_bureau', 'en_oeuvre']);

/**
 * The deadlines of the fiches that have one, read from their workflows (the timers live there, not
 * in the store); a workflow that cannot be queried is left out rather than failing the page.
 */
export async function ficheDeadlines(client: Client, fiches: readonly FicheSummary[]): Promise<FicheDeadline[]> {
  const waiting = fiches.filter((f) => WAITING.has(f.status));
  const states = await ficheStates(client, waiting);
  return waiting.flatMap((fiche, i) => {
    const state = states[i];
    if (!state || Object.keys(state.deadlines).length === 0) return [];
    return [
      {
        fiche: { id: fiche.id, code: fiche.code, title: fiche.title },
        what: state.pending?.what ?? null,
        ...state.deadlines,
      },
    ];
  });
}

/** Each fiche's workflow state, in order; null where its workflow cannot be queried. */
export function ficheStates(
  client: Client,
  fiches: ReadonlyArray<Pick<FicheSummary, 'id' | 'workflowId'>>,
): Promise<Array<FicheState | null>> {
  return Promise.all(
    fiches.map((f) =>
      client.workflow
        .getHandle(f.workflowId ?? ficheWorkflowId(f.id))
        .query(ficheStateQuery)
        .catch(() => null),
    ),
  );
}

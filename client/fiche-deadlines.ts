import type { Client } from '@temporalio/client';
import type { FicheState, FicheSummary } from '../domain/fiche-views.js';
import { followUpDeadlines } from '../domain/lifecycle/follow-up.js';
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
 * The deadlines of the fiches that have one, from what each fiche's workflow wrote on its row; only
 * fiches whose run started before it wrote any are asked (a workflow that cannot be queried is left
 * out rather than failing the page).
 */
export async function ficheDeadlines(
  client: Client,
  fiches: readonly FicheSummary[],
  now = new Date(),
): Promise<FicheDeadline[]> {
  const waiting = fiches.filter((f) => WAITING.has(f.status));
  const unwritten = waiting.filter((f) => !f.followUp);
  const states = new Map((await ficheStates(client, unwritten)).map((state, i) => [unwritten[i]!.id, state]));
  return waiting.flatMap((fiche) => {
    const { what, deadlines } = fiche.followUp
      ? { what: fiche.followUp.what, deadlines: followUpDeadlines(fiche.followUp, now) }
      : { what: states.get(fiche.id)?.pending?.what ?? null, deadlines: states.get(fiche.id)?.deadlines ?? {} };
    if (Object.keys(deadlines).length === 0) return [];
    return [{ fiche: { id: fiche.id, code: fiche.code, title: fiche.title }, what, ...deadlines }];
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

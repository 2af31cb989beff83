import type { Client } from '@temporalio/client';
import { publicationDue } from '../domain/open-decisions.js';
import type { ConventionStages } from '../store/boards/departement-overview.js';
import type { AwaitingMeeting } from '../store/boards/awaiting.js';
import type { Store } from '../store/index.js';
import { ficheDeadlines, type FicheDeadline } from './fiche-deadlines.js';

/** One convention in the département's view: fiches by stage, the steps past their deadline. */
export interface DepartementConvention extends ConventionStages {
  /** Fiches whose awaited decision is past its deadline (the workflow's reminder or escalation has fallen). */
  lateFiches: FicheDeadline[];
  /** Held meetings whose relevé is not published a week after. */
  lateReleves: AwaitingMeeting[];
}

/** Whether an instant (ISO) is past. */
const past = (instant: string | undefined, now: Date) => instant !== undefined && new Date(instant) <= now;

/**
 * Every convention of the département with its fiches counted by stage and its late steps: a
 * decision whose reminder or escalation instant (client/fiche-deadlines.ts, from the fiche's
 * workflow) has passed, a relevé not published within the week.
 */
export async function departementOverview(
  deps: { client: Client; store: Store },
  now: Date,
): Promise<DepartementConvention[]> {
  const conventions = await deps.store.boards.countFichesByStage();
  const releves = await deps.store.boards.listUnpublishedReleves(conventions.map((c) => c.id));
  return Promise.all(
    conventions.map(async (convention) => {
      const deadlines = await ficheDeadlines(deps.client, await deps.store.fiches.list(convention.id));
      return {
        ...convention,
        lateFiches: deadlines.filter((d) => past(d.reminder, now) || past(d.escalation, now)),
        lateReleves: releves.filter((m) => m.conventionId === convention.id && publicationDue(m.startsAt) <= now),
      };
    }),
  );
}

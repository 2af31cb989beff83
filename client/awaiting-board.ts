import type { Client } from '@temporalio/client';
import { parseCharter, type InstanceKind } from '../domain/charter.js';
import type { FicheSummary } from '../domain/fiche-views.js';
import type { Actor } from '../domain/lifecycle/model.js';
import { stepsOpenTo, type OpenStep } from '../domain/lifecycle/reader-steps.js';
import { mayManageMeeting } from '../domain/meeting-rules.js';
import { publicationDue } from '../domain/open-decisions.js';
import type { AwaitingMeeting } from '../store/boards/awaiting.js';
import type { FichePosition } from '../store/fiches/list-fiche-positions.js';
import type { Store } from '../store/index.js';
import { ficheStates } from './fiche-deadlines.js';

/** What waits for one person in one convention. */
export interface ConventionAwaiting {
  convention: { id: string; slug: string; name: string };
  /** The fiches on which a step is open to them, by the lifecycle's own rules. */
  fiches: Array<{ fiche: Pick<FicheSummary, 'id' | 'code' | 'title'>; steps: OpenStep[] }>;
  /** Coming meetings they have not answered. */
  invitations: AwaitingMeeting[];
  /** Held meetings whose relevé they may publish and that is not published, with its due date. */
  releves: Array<AwaitingMeeting & { due: Date }>;
}

/**
 * The steps `actor` may take on each live fiche, from where its workflow wrote its lifecycle stands; only runs that
 * wrote none yet are asked, and one that cannot be queried is left out.
 */
async function openFiches(client: Client, fiches: readonly FichePosition[], actor: Actor, charter: unknown) {
  const rules = parseCharter(charter);
  const unwritten = fiches.filter((f) => !f.lifecycle);
  const asked = new Map((await ficheStates(client, unwritten)).map((state, i) => [unwritten[i]!.id, state]));
  return fiches.flatMap((fiche) => {
    const position = fiche.lifecycle ?? asked.get(fiche.id)?.lifecycle;
    const steps = position ? stepsOpenTo(position, actor, rules).steps : [];
    return steps.length ? [{ fiche: { id: fiche.id, code: fiche.code, title: fiche.title }, steps }] : [];
  });
}

/**
 * Everything that waits for a person, in every convention they have a seat in: the fiches a step
 * is open to them on (reader-steps.ts, as each fiche's page offers it), the invitations they have
 * not answered, the relevés they may publish. Conventions with nothing waiting are kept, empty.
 */
export async function awaitingBoard(
  deps: { client: Client; store: Store },
  personId: string,
  now: Date,
): Promise<ConventionAwaiting[]> {
  const { store } = deps;
  const [conventions, invitations] = await Promise.all([
    store.conventions.list({ personId }),
    store.boards.listUnansweredInvitations({ personId, now }),
  ]);
  const releves = await store.boards.listUnpublishedReleves(conventions.map((c) => c.id));
  return Promise.all(
    conventions.map(async (convention): Promise<ConventionAwaiting> => {
      const [actor, settings, fiches] = await Promise.all([
        store.access.findActor(convention.id, { id: personId }),
        store.conventions.findSettings(convention.id),
        store.fiches.listPositions(convention.id),
      ]);
      return {
        convention: { id: convention.id, slug: convention.slug, name: convention.name },
        fiches: await openFiches(deps.client, fiches, actor, settings.charter),
        invitations: invitations.filter((m) => m.conventionId === convention.id),
        releves: releves
          .filter((m) => m.conventionId === convention.id && mayManageMeeting(m.instance.kind as InstanceKind, actor))
          .map((m) => ({ ...m, due: publicationDue(m.startsAt) })),
      };
    }),
  );
}

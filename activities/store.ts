import type { FicheStore } from '../store/fiches/fiche-store.js';

export type { LifecycleStepInput } from '../store/fiches/record-lifecycle-step.js';

/** Activities that write a fiche's lifecycle. Built on the store so tests pass a real database. */
export function createStoreActivities(fiches: FicheStore) {
  return {
    /**
     * Creates the fiche and its first version, numbered FA-<year>-<n> within its convention; a
     * retry finds it there and changes nothing. Two fiches numbered at once collide on the unique
     * code, and the activity's retry numbers the loser again.
     */
    saveFiche: fiches.save,
    /**
     * Writes one lifecycle step — the fiche's stage, the versions' states, the decision when a
     * body decided, and the audit line with its actor — together, or none of them.
     */
    recordLifecycleStep: fiches.recordLifecycleStep,
  };
}

export type StoreActivities = ReturnType<typeof createStoreActivities>;

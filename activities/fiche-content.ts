import type { FicheStore } from '../store/fiches/fiche-store.js';

/** Writing a draft's content. Built on the store so tests pass a real database. */
export function createFicheContentActivities(fiches: FicheStore) {
  return {
    /**
     * Writes the edit and its audit line (with what changed) together, or neither. A reference
     * that vanished since the API checked it fails for good (a DomainError: activities/classified-failures.ts).
     */
    saveFicheContent: fiches.saveContent,
  };
}

export type FicheContentActivities = ReturnType<typeof createFicheContentActivities>;

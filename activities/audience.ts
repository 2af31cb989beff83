import type { FicheStore } from '../store/fiches/fiche-store.js';

/** Activities that turn an audience into addresses, from the convention's members. */
export function createAudienceActivities(fiches: FicheStore) {
  return {
    /** The addresses of an audience, lower-cased, sorted and without duplicates. */
    resolveAudience: fiches.resolveAudience,
  };
}

export type AudienceActivities = ReturnType<typeof createAudienceActivities>;

import { ApplicationFailure } from '@temporalio/activity';
import { DomainError } from '../domain/errors.js';
import type { FicheContent, FieldChange } from '../domain/fiche-content.js';
import type { FicheStore } from '../store/fiches/fiche-store.js';
import type { SaveContentInput } from '../store/fiches/save-fiche-content.js';

/** Writing a draft's content. Built on the store so tests pass a real database. */
export function createFicheContentActivities(fiches: FicheStore) {
  return {
    /**
     * Writes the edit and its audit line (with what changed) together, or neither. A reference
     * that vanished since the API checked it fails for good: retrying would not bring it back.
     */
    async saveFicheContent(input: SaveContentInput): Promise<{ content: FicheContent; changes: FieldChange[] }> {
      try {
        return await fiches.saveContent(input);
      } catch (error) {
        if (error instanceof DomainError)
          throw ApplicationFailure.nonRetryable(error.message, error.code, {
            field: error.field,
            issues: error.issues,
          });
        throw error;
      }
    },
  };
}

export type FicheContentActivities = ReturnType<typeof createFicheContentActivities>;

import { ApplicationFailure } from '@temporalio/workflow';
import { DomainError } from '../domain/errors.js';

/**
 * Runs a domain check and turns its DomainError into a non-retryable failure whose type is the
 * error code, so clients see the code and the French message.
 */
export function asFailure(rule: () => void): void {
  try {
    rule();
  } catch (error) {
    if (error instanceof DomainError) {
      throw ApplicationFailure.create({
        type: error.code,
        message: error.message,
        nonRetryable: true,
        details: [
          { ...(error.field ? { field: error.field } : {}), ...(error.issues?.length ? { issues: error.issues } : {}) },
        ],
      });
    }
    throw error;
  }
}

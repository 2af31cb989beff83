import { DomainError } from '../../domain/errors.js';

/** Runs `run` and gives back the DomainError it throws; fails the test if it throws none. */
export function domainError(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

import { ApplicationFailure, Context } from '@temporalio/activity';
import { DomainError, type DomainErrorCode } from '../domain/errors.js';
import { classifyDatabaseError } from '../store/database/database-errors.js';

/** The failure type of a write the database refused: the update answers it, the workflow stays at its step. */
export const DATA_REFUSED = 'DATA_REFUSED' satisfies DomainErrorCode;

/** A unique key taken gets this many attempts (a race lost resolves on the next), then is refused. */
export const CONFLICT_ATTEMPTS = 3;

const REFUSED_MESSAGE =
  'La base de données a refusé une valeur (caractère interdit, valeur trop longue ou déjà prise) : rien n’a été ' +
  'enregistré. Corrigez la saisie et réessayez.';

function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/**
 * Says once, for every activity, whether what it threw is worth a retry: a domain error and a
 * value the database refuses fail for good (as a non-retryable failure carrying the code, the
 * French message and the cause); a lost connection, a deadlock or a serialization failure is
 * retried under the activity's retry policy (workflows/activity-options.ts).
 */
export function classifiedFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof DomainError) {
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      nonRetryable: true,
      details: [{ ...(error.field ? { field: error.field } : {}), ...(error.issues ? { issues: error.issues } : {}) }],
    });
  }
  const { kind, code, detail } = classifyDatabaseError(error);
  if (kind === 'data' || (kind === 'conflict' && currentAttempt() >= CONFLICT_ATTEMPTS)) {
    return ApplicationFailure.create({
      type: DATA_REFUSED,
      message: REFUSED_MESSAGE,
      nonRetryable: true,
      details: [{ code: code ?? null, detail }],
      cause: error instanceof Error ? error : undefined,
    });
  }
  return error;
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/** Each activity of the group with its failures classified by {@link classifiedFailure}. */
export function withClassifiedFailures<T extends Record<string, AnyActivity>>(activities: T): T {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args) => {
      try {
        return await activity(...args);
      } catch (error) {
        throw classifiedFailure(error);
      }
    };
  }
  return wrapped as T;
}

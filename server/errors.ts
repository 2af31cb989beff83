import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { DomainError, isDomainErrorCode, type DomainErrorCode, type FieldIssue } from '../domain/errors.js';

/**
 * The JSON body of every error answer: `code` for programs, `message` (French) for people; for bad
 * input, `fields` lists every field at fault with what to change (`field` and `issues`, the first
 * one and the same list, are kept for the clients written before `fields`).
 */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    field?: string;
    issues?: readonly FieldIssue[];
    fields?: readonly FieldIssue[];
  };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues?: readonly FieldIssue[],
  ) {
    super(message);
  }

  /** Fastify's name for the status, read by the scopes' error handlers as for its own client errors. */
  get statusCode(): number {
    return this.status;
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field ? { field: this.field } : {}),
        ...(this.issues?.length ? { issues: this.issues } : {}),
        ...(this.status === 400 && (this.issues?.length || this.field)
          ? { fields: this.issues?.length ? this.issues : [{ field: this.field!, message: this.message }] }
          : {}),
      },
    };
  }
}

const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  INVALID_INPUT: 400,
  WRONG_STAGE: 409,
  ROLE_NOT_ALLOWED: 403,
  ALREADY_IN_PROGRESS: 409,
  CHARTER_VIOLATION: 422,
  PARTNER_OPINIONS_MISSING: 409,
  CONVOCATION_DELAY: 422,
  NON_WORKING_DAY: 409,
  CAPACITY_FULL: 409,
  DATA_REFUSED: 422,
};

/** Maps what the domain, Temporal or the transport threw to an HTTP status and a body for people. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError) {
    return new HttpError(STATUS_BY_CODE[error.code], error.code, error.message, error.field, error.issues);
  }
  // A step's activity that failed for good (a value the database refused) fails the update with its cause.
  const cause = error instanceof WorkflowUpdateFailedError ? unwrapActivity(error.cause) : undefined;
  if (cause instanceof ApplicationFailure) {
    const failure = cause;
    if (isDomainErrorCode(failure.type)) {
      const details = failure.details?.[0] as { field?: string; issues?: FieldIssue[] } | undefined;
      return new HttpError(
        STATUS_BY_CODE[failure.type],
        failure.type,
        failure.message,
        details?.field,
        details?.issues,
      );
    }
  }
  if (error instanceof WorkflowNotFoundError) {
    return new HttpError(404, 'NOT_FOUND', missingWorkflowMessage(error.workflowId));
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return new HttpError(409, 'ALREADY_EXISTS', 'Cette fiche existe déjà.');
  }
  if (isGrpcServiceError(error) && error.code === 5 /* NOT_FOUND */) {
    return new HttpError(404, 'NOT_FOUND', 'Aucune fiche ne porte cet identifiant.');
  }
  if (
    error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    (isGrpcServiceError(error) && error.code === 4) /* DEADLINE_EXCEEDED */
  ) {
    return new HttpError(
      503,
      'TEMPORAL_TIMEOUT',
      'Le moteur de workflows n’a pas répondu à temps (aucun worker disponible ?) : l’action sera peut-être prise en ' +
        'compte quand il reprendra. Vérifiez l’état avant de recommencer.',
    );
  }
  if (isGrpcServiceError(error) && error.code === 14 /* UNAVAILABLE */) {
    return new HttpError(
      503,
      'TEMPORAL_UNAVAILABLE',
      'Le moteur de workflows ne répond pas : réessayez dans un instant.',
    );
  }
  return new HttpError(
    500,
    'INTERNAL',
    'Erreur interne : elle a été consignée, réessayez ou prévenez un administrateur.',
  );
}

function unwrapActivity(error: unknown): unknown {
  return error instanceof ActivityFailure ? error.cause : error;
}

/** Workflows by the prefix of their id, named as people know them. */
const WORKFLOW_SUBJECTS: ReadonlyArray<[prefix: string, message: string]> = [
  ['fiche-', 'Aucune fiche ne porte cet identifiant.'],
  ['meeting-', 'Aucune réunion en cours ne porte cet identifiant.'],
  ['plan-actions-', 'Le plan d’actions n’est plus suivi par Concerto : un coopérateur peut le rouvrir.'],
  ['date-poll-', 'Aucun sondage en cours ne porte cet identifiant.'],
  ['convention-', 'Le cycle de la convention ne tourne pas : un coopérateur peut le démarrer.'],
  ['calendar-', 'Le calendrier de la convention ne tourne pas : un coopérateur peut le démarrer.'],
];

/** What a 404 says when a workflow is not (or no longer) running: which thing, in French. */
function missingWorkflowMessage(workflowId: string | undefined): string {
  const found = WORKFLOW_SUBJECTS.find(([prefix]) => workflowId?.startsWith(prefix));
  return found?.[1] ?? 'Aucun processus en cours ne porte cet identifiant.';
}

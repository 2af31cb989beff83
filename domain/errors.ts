/**
 * Every error a person can cause, listed once with what it means. The message of a
 * {@link DomainError} is French and says what to change; `code` is for programs.
 */
export const DOMAIN_ERROR_CODES = {
  INVALID_INPUT: 'A field is missing or malformed; `field` names it.',
  WRONG_STAGE: 'The action does not apply to the stage the fiche is in now.',
  ROLE_NOT_ALLOWED: 'The actor’s role may not take this action.',
  ALREADY_IN_PROGRESS: 'The same action is already being recorded.',
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_CODES;

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function isDomainErrorCode(value: unknown): value is DomainErrorCode {
  return typeof value === 'string' && Object.hasOwn(DOMAIN_ERROR_CODES, value);
}

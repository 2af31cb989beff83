/**
 * Every error a person can cause, listed once with what it means. The message of a
 * {@link DomainError} is French and says what to change; `code` is for programs.
 */
export const DOMAIN_ERROR_CODES = {
  INVALID_INPUT: 'A field is missing or malformed; `field` names it.',
  WRONG_STAGE: 'The action does not apply to the stage the fiche is in now.',
  ROLE_NOT_ALLOWED: 'The actor’s role may not take this action.',
  ALREADY_IN_PROGRESS: 'The same action is already being recorded.',
  CHARTER_VIOLATION: 'The members of an instance break the convention’s charter; `issues` lists each rule broken.',
  PARTNER_OPINIONS_MISSING:
    'The COPIL decision waits for the CAF’s and the MSA’s opinions on the version, and one is missing.',
  CONVOCATION_DELAY:
    'The meeting is too soon for the instance’s legal convocation delay (jours francs); an override with a reason ' +
    'holds it anyway.',
  NON_WORKING_DAY:
    'The meeting falls on a Saturday, a Sunday or a public holiday; an override with a reason holds it anyway.',
  CAPACITY_FULL: 'A date of a poll has no place left for another volunteer.',
  DATA_REFUSED: 'The database refused a value (a forbidden character, too long, already taken): nothing was written.',
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_CODES;

/** One thing to correct: `field` is a dotted path (`actor.email`, `budget.0.amount`), an import
 * line (`line 12`) or an instance slug; empty when it concerns the whole input. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  /**
   * @param field the first field at fault, when one is.
   * @param issues every field-level problem found, so a form or an import can show them all at once.
   */
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
    readonly issues?: readonly FieldIssue[],
  ) {
    super(message);
  }
}

export function isDomainErrorCode(value: unknown): value is DomainErrorCode {
  return typeof value === 'string' && Object.hasOwn(DOMAIN_ERROR_CODES, value);
}

import { DomainError } from './errors.js';

/** How long an API token lives when its creator does not say. */
export const API_TOKEN_DEFAULT_DAYS = 90;
/** The longest an API token may live: a forgotten script's token dies within the year. */
export const API_TOKEN_MAX_DAYS = 365;

const DAY = 86_400_000;

/** The lifetimes the account page offers, in days: the default among them, none past the longest allowed. */
export const API_TOKEN_LIFETIME_CHOICES = [7, 30, API_TOKEN_DEFAULT_DAYS, 180, API_TOKEN_MAX_DAYS] as const;

/** The end of a token that lives `days` from `now`, as the API is asked for it (`expiresAt`). */
export const apiTokenEnd = (days: number, now: Date): Date => new Date(now.getTime() + days * DAY);

/**
 * Who may create an API token, and for whom: a person signed in by a browser session, for
 * themselves; an admin, for anyone. A token never makes another: a stolen one cannot outlive its
 * own revocation by minting a successor.
 */
export function assertMayMintToken(
  viewer: { email: string; admin: boolean; via: 'session' | 'token' },
  forEmail: string,
): void {
  if (viewer.via === 'token') {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      'Un jeton d’API ne peut pas créer de jeton : créez-le depuis une session ouverte par un lien de connexion.',
    );
  }
  if (forEmail.toLowerCase() !== viewer.email.toLowerCase() && !viewer.admin) {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      'Seul un administrateur peut créer un jeton pour une autre personne.',
      'person',
    );
  }
}

/** The end of a new token's life: the one asked for, within a year from now; 90 days when none. */
export function apiTokenExpiry(requested: Date | undefined, now: Date): Date {
  if (!requested) return new Date(now.getTime() + API_TOKEN_DEFAULT_DAYS * DAY);
  if (requested <= now)
    throw new DomainError('INVALID_INPUT', '« expiresAt » est déjà passé : donnez une date à venir.', 'expiresAt');
  if (requested.getTime() > now.getTime() + API_TOKEN_MAX_DAYS * DAY) {
    throw new DomainError(
      'INVALID_INPUT',
      `« expiresAt » est trop lointain : un jeton vit au plus ${API_TOKEN_MAX_DAYS} jours ` +
        '(un an) ; créez-en un nouveau à son échéance.',
      'expiresAt',
    );
  }
  return requested;
}

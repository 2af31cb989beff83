import { formatFrench, formatFrenchDate, parseDateKey } from '../../domain/paris-time.js';

/** An ISO instant as pages write it: « mardi 16 juin 2026 à 14 h 00 », in Paris. */
export function frenchInstant(iso: string | Date): string {
  return formatFrench(typeof iso === 'string' ? new Date(iso) : iso, 'Europe/Paris', { withTime: true });
}

/** A `YYYY-MM-DD` day as pages write it: « mardi 16 juin 2026 ». */
export function frenchDay(key: string): string {
  return formatFrenchDate(parseDateKey(key));
}

export const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The meeting states of the schema, in French. */
export const MEETING_STATUS_LABELS: Readonly<Record<string, string>> = {
  planifiee: 'planifiée',
  convoquee: 'convoquée',
  tenue: 'tenue',
  annulee: 'annulée',
};

import { z } from 'zod';
import { shareable, text } from './validation.js';

/**
 * Durations of the ordre du jour's items and the times they start, one after the other from the
 * meeting's start: the agenda page, the agenda and the dossier de séance show the same times.
 */

/** The longest item: a working day. */
export const MAX_ITEM_MINUTES = 480;

/** An item's duration as typed: whole minutes, or empty for none. */
export const itemDurationSchema = shareable(
  z.strictObject({
    minutes: text(4, { tooLong: `Une durée en minutes : ${MAX_ITEM_MINUTES} au plus.` })
      .refine((value) => /^\d*$/.test(value.trim()), {
        error: 'Une durée en minutes : un nombre entier, par exemple 20, ou rien.',
      })
      .transform((value) => (value.trim() === '' ? null : Number(value.trim())))
      .refine((value) => value === null || (value >= 1 && value <= MAX_ITEM_MINUTES), {
        error: `Une durée de 1 à ${MAX_ITEM_MINUTES} minutes, ou rien.`,
      }),
  }),
);

/** When each item starts: the meeting's start plus the durations before it (an item without one takes none). */
export function agendaTimes(startsAt: Date, items: ReadonlyArray<{ durationMinutes: number | null }>): Date[] {
  let at = startsAt.getTime();
  return items.map((item) => {
    const start = new Date(at);
    at += (item.durationMinutes ?? 0) * 60_000;
    return start;
  });
}

/** « 20 min », « 1 h », « 1 h 30 ». */
export function frenchDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${String(rest).padStart(2, '0')}`;
}

/** An item as the agenda lists it, its duration after its title when it has one. */
export function agendaLine(item: { title: string; durationMinutes: number | null }): string {
  return item.durationMinutes ? `${item.title} (${frenchDuration(item.durationMinutes)})` : item.title;
}

import { z } from 'zod';
import { actorOnlySchema, actorSchema } from './lifecycle/action-schemas.js';
import { email, isoInstant, nonEmptyText, parseInput, shareable, text, webUrl } from './validation.js';

/** Input of the meeting workflow's updates, parsed with field-level French errors. */

const ends = <T extends { startsAt: string; endsAt: string }>(m: T) => Date.parse(m.endsAt) > Date.parse(m.startsAt);
const endsAfterStart = { path: ['endsAt'], error: 'La réunion doit finir après son début.' };

/**
 * Holds a date that breaks a calendar rule (weekend, public holiday, convocation delay) anyway:
 * the reason goes into the meeting's history (domain/convocation-date.ts).
 */
const overrideSchema = z.strictObject({
  reason: nonEmptyText(1000, {
    required: 'Donnez le motif de la dérogation (« override.reason ») : il sera consigné dans l’historique.',
  }),
});

export const meetingTimesSchema = shareable(
  z
    .object({
      startsAt: isoInstant('startsAt'),
      endsAt: isoInstant('endsAt'),
      location: text(500, { tooLong: '« location » : 500 caractères au plus.' }).optional(),
      visioUrl: webUrl().optional(),
      override: overrideSchema.optional(),
    })
    .refine(ends, endsAfterStart),
);

/** A member's proposal of another time (iTIP COUNTER) a step accepts or declines: its id, and whose it is. */
const counterRefSchema = z.strictObject({ id: nonEmptyText(64), from: email() });

export const rescheduleSchema = shareable(
  z
    .strictObject({
      actor: actorSchema(),
      startsAt: isoInstant('startsAt'),
      endsAt: isoInstant('endsAt'),
      location: text(500).optional(),
      visioUrl: webUrl().optional(),
      reason: text(1000, { multiline: true }).optional(),
      override: overrideSchema.optional(),
      /** The move accepts this proposal. */
      counter: counterRefSchema.optional(),
    })
    .refine(ends, endsAfterStart),
);

/** The organiser turns a member's proposal down: a DECLINECOUNTER goes to them, with `comment` if given. */
export const declineCounterSchema = shareable(
  z.strictObject({
    actor: actorSchema(),
    counter: counterRefSchema,
    comment: text(1000, { multiline: true }).optional(),
  }),
);

export const cancelSchema = shareable(
  z.strictObject({
    actor: actorSchema(),
    reason: nonEmptyText(1000, {
      multiline: true,
      required: 'Dites pourquoi la réunion est annulée (« reason ») : les membres le liront.',
    }),
  }),
);

export const attendanceSchema = shareable(
  z.strictObject({
    actor: actorSchema(),
    present: z.array(email()).default([]),
    excused: z.array(email()).default([]),
    proxies: z.array(z.strictObject({ from: email(), to: email() })).default([]),
  }),
);

export const minutesSchema = shareable(
  z.strictObject({
    actor: actorSchema(),
    ref: nonEmptyText(1000, {
      required: 'Indiquez où se trouve le compte rendu (« ref ») : une adresse web ou une référence de fichier.',
    }),
  }),
);

export type RescheduleInput = z.output<ReturnType<typeof rescheduleSchema>>;
export type CancelInput = z.output<ReturnType<typeof cancelSchema>>;
export type DeclineCounterInput = z.output<ReturnType<typeof declineCounterSchema>>;
export type AttendanceInput = z.output<ReturnType<typeof attendanceSchema>>;
export type MinutesInput = z.output<ReturnType<typeof minutesSchema>>;
export type DecisionSummaryInput = z.output<ReturnType<typeof actorOnlySchema>>;

export const parseReschedule = (input: unknown): RescheduleInput =>
  parseInput(rescheduleSchema(), input, { what: 'le report' });
export const parseDeclineCounter = (input: unknown): DeclineCounterInput =>
  parseInput(declineCounterSchema(), input, { what: 'le refus de la proposition' });
export const parseCancel = (input: unknown): CancelInput => parseInput(cancelSchema(), input, { what: 'l’annulation' });
export const parseAttendance = (input: unknown): AttendanceInput =>
  parseInput(attendanceSchema(), input, { what: 'les présences' });
export const parseMinutes = (input: unknown): MinutesInput =>
  parseInput(minutesSchema(), input, { what: 'le compte rendu' });
export const parseDecisionSummary = (input: unknown): DecisionSummaryInput =>
  parseInput(actorOnlySchema(), input, { what: 'le relevé de décisions' });

/** A free item of the ordre du jour: a title, an optional note. */
export const freeItemSchema = shareable(
  z.strictObject({
    title: nonEmptyText(200, {
      required: 'Donnez un titre au point.',
      tooLong: 'Le titre d’un point : 200 caractères au plus.',
    }),
    note: text(1000, { multiline: true, tooLong: 'La note d’un point : 1 000 caractères au plus.' }).optional(),
  }),
);
export type FreeItemInput = z.output<ReturnType<typeof freeItemSchema>>;

/** What a meeting decided on a free item, written in séance. */
export const itemDecisionSchema = shareable(
  z.strictObject({
    text: nonEmptyText(2000, {
      multiline: true,
      required: 'Écrivez la décision prise sur ce point.',
      tooLong: 'Une décision : 2 000 caractères au plus.',
    }),
  }),
);

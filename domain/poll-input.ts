import { z } from 'zod';
import { actorOnlySchema, actorSchema } from './lifecycle/action-schemas.js';
import { HALF_DAYS, POLL_ANSWERS } from './poll-rules.js';
import { email, isoDate, isoInstant, nonEmptyText, parseInput, shareable, slug, text } from './validation.js';

/** Input of a new date poll and of its workflow's updates, parsed with field-level French errors. */

const time = (field: string) =>
  text(5).regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
    error: `« ${field} » doit être une heure au format HH:MM, par exemple 14:00.`,
  });

const capacity = z.int().min(1, { error: 'Une capacité compte au moins une place.' }).max(10_000).optional();

const proposedOptionSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('journee'), date: isoDate(), capacity }),
    z.strictObject({
      kind: z.literal('demi_journee'),
      date: isoDate(),
      half: z.enum(HALF_DAYS, { error: 'Une demi-journée est le « matin » ou l’« apres_midi ».' }),
      capacity,
    }),
    z.strictObject({ kind: z.literal('creneau'), date: isoDate(), start: time('start'), end: time('end'), capacity }),
  ],
  {
    error:
      'Chaque date proposée a un « kind » : « journee », « demi_journee ' +
      '» (avec « half ») ou « creneau » (avec « start » et « end »).',
  },
);

export const newPollSchema = shareable(
  z.object({
    convention: nonEmptyText(64).optional(),
    instance: slug(),
    title: nonEmptyText(200, { required: 'Donnez un titre au sondage (« title ») : il sera celui de la réunion.' }),
    description: nonEmptyText(5000, { multiline: true }).optional(),
    location: nonEmptyText(500).optional(),
    deadline: isoInstant('deadline'),
    options: z
      .array(proposedOptionSchema)
      .min(2, { error: 'Proposez au moins deux dates (« options »).' })
      .max(20, { error: 'Vingt dates au plus (« options »).' }),
    /** Absent: the instance's members. */
    participants: z.array(email()).min(1).max(500).optional(),
    /** Addresses outside the convention the organiser confirms inviting (domain/poll-rules.ts, pollInvitees). */
    outsiders: z.array(email()).max(100).optional(),
  }),
);

const answers = z.record(
  nonEmptyText(64),
  z.enum(POLL_ANSWERS, { error: 'Chaque réponse vaut « oui », « si_necessaire » ou « non ».' }),
);

const voteSchema = z.strictObject({
  email: email(),
  answers,
  signUps: z.array(nonEmptyText(64)).max(20).default([]),
});

const signUpSchema = z.strictObject({ email: email(), optionId: nonEmptyText(64) });

export const chooseSchema = shareable(
  z.strictObject({
    actor: actorSchema(),
    optionId: nonEmptyText(64, { required: 'Indiquez la date retenue (« optionId »).' }),
  }),
);

export type NewPollInput = z.output<ReturnType<typeof newPollSchema>>;
export type VoteInput = z.output<typeof voteSchema>;
export type SignUpInput = z.output<typeof signUpSchema>;
export type ClosePollInput = z.output<ReturnType<typeof actorOnlySchema>>;
export type ChooseOptionInput = z.output<ReturnType<typeof chooseSchema>>;

export const parseNewPoll = (input: unknown): NewPollInput =>
  parseInput(newPollSchema(), input, { what: 'le sondage' });
export const parseVote = (input: unknown): VoteInput => parseInput(voteSchema, input, { what: 'la réponse' });
export const parseSignUp = (input: unknown): SignUpInput => parseInput(signUpSchema, input, { what: 'l’inscription' });
export const parseClosePoll = (input: unknown): ClosePollInput =>
  parseInput(actorOnlySchema(), input, { what: 'la clôture du sondage' });
export const parseChooseOption = (input: unknown): ChooseOptionInput =>
  parseInput(chooseSchema(), input, { what: 'le choix de la date' });

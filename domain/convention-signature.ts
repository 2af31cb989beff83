import { z } from 'zod';
import { assertMayManageCycle, isDateKey } from './convention-cycle.js';
import { DomainError } from './errors.js';
import type { Actor } from './lifecycle/model.js';
import { compareDates, formatFrenchDate, parseDateKey } from './paris-time.js';
import { nonEmptyText, parseInput, shareable, text } from './validation.js';

/**
 * The signature path of the convention and of each of its avenants, as pure rules: each signatory's
 * body validates (the conseil communautaire of the collectivité, the conseils d'administration of
 * the CAF and of the MSA), each with its date and its délibération; then the three parties sign
 * (the administrative signature); then the convention itself is signed officially, in a meeting with
 * the partners and the press. An avenant stops at the administrative signature: it takes effect
 * then, as the 2022 prolongation did, without a ceremony of its own.
 */

export const SIGNATORY_PARTIES = ['collectivite', 'caf', 'msa'] as const;
export type SignatoryParty = (typeof SIGNATORY_PARTIES)[number];

export const SIGNATURE_STEPS = ['validation', 'signature', 'officielle'] as const;
export type SignatureStepKind = (typeof SIGNATURE_STEPS)[number];

/** The party recorded for the official signing: all the partners at once. */
export const OFFICIAL_PARTY = 'partenaires';

/** Each party's deliberating body. */
export const VALIDATING_BODIES: Record<SignatoryParty, string> = {
  collectivite: 'le conseil communautaire',
  caf: 'le conseil d’administration de la CAF',
  msa: 'le conseil d’administration de la MSA',
};

export const PARTY_NAMES: Record<SignatoryParty, string> = {
  collectivite: 'la collectivité',
  caf: 'la CAF',
  msa: 'la MSA',
};

/** An avenant of prolongation as its title reads: « Avenant n° 2 : prolongation jusqu’au 31 décembre 2028 ». */
export function prolongationTitle(number: number, newEndDate: string): string {
  const end = formatFrenchDate(parseDateKey(newEndDate), { withWeekday: false });
  return `Avenant n° ${number} : prolongation jusqu’au ${end}`;
}

/** The step, for people: « validation par le conseil communautaire », « signature administrative par la CAF ». */
export function stepLabel(step: SignatureStepKind, party: SignatoryParty | null): string {
  if (step === 'officielle' || party === null) return 'signature officielle avec les partenaires et la presse';
  return step === 'validation'
    ? `validation par ${VALIDATING_BODIES[party]}`
    : `signature administrative par ${PARTY_NAMES[party]}`;
}

/** A step recorded (dates YYYY-MM-DD, `at` an ISO instant). */
export interface SignatureStepRecord {
  step: SignatureStepKind;
  /** null for the official signing. */
  party: SignatoryParty | null;
  date: string;
  reference: string | null;
  meetingId: string | null;
  by: string;
  at: string;
}

/** The path of one version: 0 the convention itself, n its avenant n° n. */
export interface SignaturePath {
  version: number;
  steps: SignatureStepRecord[];
}

export type SignatureStage = 'validations' | 'signatures' | 'signature_officielle' | 'signee';

export const SIGNATURE_STAGE_LABELS: Record<SignatureStage, string> = {
  validations: 'en validation par les instances des signataires',
  signatures: 'en signature administrative',
  signature_officielle: 'en attente de sa signature officielle',
  signee: 'signée',
};

const find = (path: SignaturePath, step: SignatureStepKind, party: SignatoryParty | null) =>
  path.steps.find((s) => s.step === step && s.party === party);
const missing = (path: SignaturePath, step: 'validation' | 'signature') =>
  SIGNATORY_PARTIES.filter((party) => !find(path, step, party));

/** Where a version is on its path. */
export function signatureStage(path: SignaturePath): SignatureStage {
  if (missing(path, 'validation').length > 0) return 'validations';
  if (missing(path, 'signature').length > 0) return 'signatures';
  if (path.version === 0 && !find(path, 'officielle', null)) return 'signature_officielle';
  return 'signee';
}

/** The steps that may be recorded now, in the path's order. */
export function awaitedSteps(path: SignaturePath): Array<{ step: SignatureStepKind; party: SignatoryParty | null }> {
  switch (signatureStage(path)) {
    case 'validations':
      return missing(path, 'validation').map((party) => ({ step: 'validation', party }));
    case 'signatures':
      return missing(path, 'signature').map((party) => ({ step: 'signature', party }));
    case 'signature_officielle':
      return [{ step: 'officielle', party: null }];
    case 'signee':
      return [];
  }
}

/** Every step still to record, the later stages' too, in the path's order (an avenant has no official signing). */
export function stepsToCome(path: SignaturePath): Array<{ step: SignatureStepKind; party: SignatoryParty | null }> {
  return [
    ...missing(path, 'validation').map((party) => ({ step: 'validation' as const, party })),
    ...missing(path, 'signature').map((party) => ({ step: 'signature' as const, party })),
    ...(path.version === 0 && !find(path, 'officielle', null) ? [{ step: 'officielle' as const, party: null }] : []),
  ];
}

/**
 * A convention already under way when Concerto took it on (its status past « projet ») with no step
 * recorded: it was signed before, its path is not replayed.
 */
export function signedBeforeConcerto(conventionStatus: string, path: SignaturePath): boolean {
  return path.version === 0 && conventionStatus !== 'projet' && path.steps.length === 0;
}

/** Refuses a step on the path of a convention signed before Concerto took it on. */
export function assertPathOpen(conventionStatus: string, path: SignaturePath): void {
  if (signedBeforeConcerto(conventionStatus, path)) {
    throw new DomainError(
      'WRONG_STAGE',
      'La convention était déjà signée quand Concerto l’a reprise : son chemin de signature n’est plus à ' +
        'enregistrer ; ses avenants suivent le leur.',
    );
  }
}

const MAX_REFERENCE = 200;
const dateField = (field: string) =>
  text(10, { required: `Donnez la date (« ${field} »), au format AAAA-MM-JJ.` }).refine(isDateKey, {
    error: `« ${field} » s’écrit AAAA-MM-JJ, par exemple 2023-12-18.`,
  });

export const signatureStepSchema = shareable(
  z.discriminatedUnion('step', [
    z.object({
      step: z.literal('validation'),
      party: z.enum(SIGNATORY_PARTIES),
      date: dateField('date'),
      reference: nonEmptyText(MAX_REFERENCE, {
        required: 'Donnez la référence de la délibération (« reference »), par exemple « 2023-145 ».',
        tooLong: `La référence dépasse ${MAX_REFERENCE} caractères : raccourcissez-la.`,
      }),
    }),
    z.object({ step: z.literal('signature'), party: z.enum(SIGNATORY_PARTIES), date: dateField('date') }),
    z.object({
      step: z.literal('officielle'),
      meetingId: nonEmptyText(64, { required: 'Choisissez la réunion de la signature officielle (« meetingId »).' }),
    }),
  ]),
);
export type SignatureStepInput = z.infer<ReturnType<typeof signatureStepSchema>>;

/** Reads a step of the path from a body or a form, with French field errors. */
export function parseSignatureStep(input: unknown): SignatureStepInput {
  return parseInput(signatureStepSchema(), input, { what: 'l’étape de signature' });
}

/** The meeting of an official signing, as the rules need it: its local day (YYYY-MM-DD) and status. */
export interface SigningMeeting {
  title: string;
  day: string;
  status: string;
}

const frenchDay = (key: string) => formatFrenchDate(parseDateKey(key), { withWeekday: false });
const versionName = (version: number) => (version === 0 ? 'la convention' : `l’avenant n° ${version}`);
const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} et ${items.at(-1)}`;

/** Who records a step: its party's people for its validation and signature, the coopérateurs and admins for all. */
export function assertMayRecordStep(actor: Actor, step: SignatureStepKind, party: SignatoryParty | null): void {
  if (actor.appRole === 'cooperateur' || actor.appRole === 'admin') return;
  if (step !== 'officielle' && party !== null && actor.structureKind === party) return;
  const who = step === 'officielle' || party === null ? '' : `, une personne de ${PARTY_NAMES[party]}`;
  throw new DomainError(
    'ROLE_NOT_ALLOWED',
    `Seul un coopérateur${who} ou un administrateur enregistre la ${stepLabel(step, party)} ; ` +
      `${actor.email} n’en est pas.`,
    'actor.appRole',
  );
}

/**
 * Refuses a step out of the path's order (a signature before the three validations, the official
 * signing before the three signatures, a step already recorded, a date to come or earlier than
 * the steps it follows) or by someone who may not record it. Returns the date to record
 * (YYYY-MM-DD): the one given, or the day of the official signing's meeting. `today` is YYYY-MM-DD.
 */
export function checkSignatureStep(
  actor: Actor,
  path: SignaturePath,
  input: SignatureStepInput,
  today: string,
  meeting: SigningMeeting | null = null,
): string {
  const party = input.step === 'officielle' ? null : input.party;
  assertMayRecordStep(actor, input.step, party);
  const label = stepLabel(input.step, party);
  const done = find(path, input.step, party);
  if (done) {
    throw new DomainError(
      'WRONG_STAGE',
      `La ${label} de ${versionName(path.version)} est déjà enregistrée (le ${frenchDay(done.date)}` +
        `${done.reference ? `, délibération ${done.reference}` : ''}).`,
    );
  }
  const before = (step: 'validation' | 'signature') => {
    const waiting = missing(path, step);
    if (waiting.length === 0) return;
    const what =
      step === 'validation'
        ? `la validation par les instances des trois signataires : manque celle par ${list(
            waiting.map((p) => VALIDATING_BODIES[p]),
          )}`
        : `la signature administrative des trois parties : manque celle de ${list(waiting.map((p) => PARTY_NAMES[p]))}`;
    throw new DomainError('WRONG_STAGE', `La ${label} de ${versionName(path.version)} attend ${what}.`);
  };
  if (input.step === 'signature') before('validation');
  if (input.step === 'officielle') {
    if (path.version !== 0) {
      throw new DomainError(
        'WRONG_STAGE',
        `Un avenant n’a pas de signature officielle : ${versionName(path.version)} est signé une fois ` +
          'la signature administrative des trois parties enregistrée.',
      );
    }
    before('validation');
    before('signature');
    if (!meeting) {
      throw new DomainError(
        'INVALID_INPUT',
        'Cette réunion n’est pas une réunion de la convention : choisissez celle de la signature officielle.',
        'meetingId',
      );
    }
    if (meeting.status === 'annulee') {
      throw new DomainError(
        'WRONG_STAGE',
        `La réunion « ${meeting.title} » est annulée : la signature officielle ne peut s’y être tenue.`,
      );
    }
  }
  const date = input.step === 'officielle' ? meeting!.day : input.date;
  if (compareDates(parseDateKey(date), parseDateKey(today)) > 0) {
    throw new DomainError(
      input.step === 'officielle' ? 'WRONG_STAGE' : 'INVALID_INPUT',
      input.step === 'officielle'
        ? `La réunion « ${meeting!.title} » a lieu le ${frenchDay(date)} : enregistrez la signature officielle ` +
            'une fois la réunion tenue.'
        : `La date du ${frenchDay(date)} est à venir : enregistrez la ${label} une fois faite.`,
      input.step === 'officielle' ? undefined : 'date',
    );
  }
  const previous = input.step === 'signature' ? 'validation' : input.step === 'officielle' ? 'signature' : null;
  const latest = path.steps
    .filter((s) => s.step === previous)
    .map((s) => s.date)
    .sort()
    .at(-1);
  if (latest && date < latest) {
    throw new DomainError(
      'INVALID_INPUT',
      `La ${label} (le ${frenchDay(date)}) ne peut précéder la dernière ` +
        `${previous === 'validation' ? 'validation' : 'signature administrative'}, le ${frenchDay(latest)}.`,
      input.step === 'officielle' ? 'meetingId' : 'date',
    );
  }
  return date;
}

export const AMENDMENT_KINDS = ['prolongation', 'autre'] as const;
export type AmendmentKind = (typeof AMENDMENT_KINDS)[number];

/** An avenant as the rules and the pages see it (dates YYYY-MM-DD). */
export interface AmendmentFacts {
  number: number;
  kind: AmendmentKind;
  /** projet while on its signature path, signe once the three parties signed it. */
  status: 'projet' | 'signe';
  title: string;
  motif: string | null;
  previousEndDate: string | null;
  newEndDate: string | null;
  signedAt: string | null;
  proposedBy: string | null;
}

/**
 * Refuses an avenant that the actor may not propose (coopérateurs and admins), to a convention not
 * yet signed (its project is changed instead), or while another avenant is on its signature path.
 */
export function assertMayProposeAmendment(
  actor: Actor,
  conventionStatus: string,
  amendments: readonly Pick<AmendmentFacts, 'number' | 'status'>[],
): void {
  assertMayManageCycle(actor, 'propose un avenant');
  if (conventionStatus === 'projet') {
    throw new DomainError(
      'WRONG_STAGE',
      'La convention n’est pas encore signée : un avenant modifie une convention signée ; ' +
        'modifiez son projet avant sa validation.',
    );
  }
  const pending = amendments.find((a) => a.status === 'projet');
  if (pending) {
    throw new DomainError(
      'WRONG_STAGE',
      `L’avenant n° ${pending.number} est en cours de validation et de signature : ` +
        'menez-le à son terme avant d’en proposer un autre.',
    );
  }
}

const MAX_TITLE = 200;
const MAX_MOTIF = 2000;

/** An avenant other than a prolongation: what it changes (its object) and why. */
export const otherAmendmentSchema = shareable(
  z.object({
    title: nonEmptyText(MAX_TITLE, {
      required: 'Dites ce que l’avenant modifie (« title »), par exemple « Intégration de l’enjeu France Services ».',
      tooLong: `L’objet dépasse ${MAX_TITLE} caractères : raccourcissez-le.`,
    }),
    motif: nonEmptyText(MAX_MOTIF, {
      multiline: true,
      required: 'Dites pourquoi la convention est modifiée (« motif ») : l’avenant le mentionne.',
      tooLong: `Le motif dépasse ${MAX_MOTIF} caractères : raccourcissez-le.`,
    }),
  }),
);
export type OtherAmendmentInput = z.infer<ReturnType<typeof otherAmendmentSchema>>;

export function parseOtherAmendment(input: unknown): OtherAmendmentInput {
  return parseInput(otherAmendmentSchema(), input, { what: 'l’avenant' });
}

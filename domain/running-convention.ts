import { z } from 'zod';
import { DomainError, type FieldIssue } from './errors.js';
import type { HistoryEntry, LifecycleState, PartnerOpinion, ReviewComment, VersionReview } from './lifecycle/model.js';
import { STAGE_LABELS } from './lifecycle/labels.js';
import {
  AVIS_OUTCOMES,
  BUREAU_OUTCOMES,
  COPIL_OUTCOMES,
  PARTNERS,
  PARTNER_OPINIONS,
  REVIEW_STAGES,
  STAGES,
  type ActionKind,
  type Stage,
} from './lifecycle/vocabulary.js';
import { email, isoInstant, nonEmptyText, parseInput, shareable, slug, summariseIssues, text } from './validation.js';

/**
 * A convention that already runs, as one JSON document an administrator imports once its setup is
 * in (domain/convention-setup.ts): the meetings already held, and each fiche at its current stage
 * with its versions and the decisions taken on them. Records refer to each other by natural keys
 * (instance slug, meeting key, person email), never by database ids.
 *
 * Each fiche's lifecycle state is built by {@link importedLifecycle}, a pure function, so the
 * workflow that carries it on applies the same rules (domain/lifecycle/) as to any other fiche.
 */

export const RUNNING_FORMAT = 'concerto.running-convention';
export const RUNNING_VERSION = 1;

/** The bodies whose decisions a fiche's lifecycle records, and the action each is. */
export const DECIDING_BODIES = ['cotech', 'copil', 'bureau_communautaire'] as const;
export type DecidingBody = (typeof DECIDING_BODIES)[number];
const BODY_ACTION: Record<DecidingBody, ActionKind> = {
  cotech: 'recordAvis',
  copil: 'recordCopilDecision',
  bureau_communautaire: 'recordBureauValidation',
};
const BODY_OUTCOMES: Record<DecidingBody, readonly string[]> = {
  cotech: AVIS_OUTCOMES,
  copil: COPIL_OUTCOMES,
  bureau_communautaire: BUREAU_OUTCOMES,
};
/** The stage of the version when the body decided on it (what the Decision table records). */
export const DECIDED_AT_STAGE: Record<DecidingBody, Stage> = {
  cotech: 'soumise',
  copil: 'attente_copil',
  bureau_communautaire: 'attente_bureau',
};
/** Where each decision leaves the version it concerns: a review stage, `en_vigueur`, or a terminal stage. */
const LEADS_TO: Record<DecidingBody, Record<string, string>> = {
  cotech: { favorable: 'attente_copil', defavorable: 'attente_copil', a_retravailler: 'brouillon' },
  copil: { adoptee: 'attente_bureau', ajournee: 'attente_copil', rejetee: 'rejetee' },
  bureau_communautaire: { validee: 'en_vigueur', refusee: 'refusee' },
};

const enumOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `${what} : valeurs possibles ${values.map((v) => `« ${v} »`).join(', ')}.` });
const optionalText = (max: number) => nonEmptyText(max).optional();
const versionNumber = () => z.int({ error: 'Un numéro de version entier est attendu (1, 2…).' }).min(1).max(99);

const meetingSchema = z.strictObject({
  /** The meeting's key within the file: decisions name it. */
  key: slug(),
  /** The instance's slug in the convention's setup. */
  instance: slug(),
  title: nonEmptyText(200),
  startsAt: isoInstant('startsAt'),
  endsAt: isoInstant('endsAt').optional(),
  location: optionalText(500),
  /** Attendance, when it was taken: the members present and those excused, by address. */
  present: z.array(email()).optional(),
  excused: z.array(email()).optional(),
});

const versionSchema = z.strictObject({
  version: versionNumber(),
  title: nonEmptyText(200),
  publicVise: optionalText(2000),
  secteur: optionalText(200),
  calendrier: optionalText(2000),
});

const decisionSchema = z.strictObject({
  body: enumOf(DECIDING_BODIES, 'Instance qui décide'),
  version: versionNumber(),
  outcome: nonEmptyText(40),
  date: isoInstant('date'),
  /** The key of the meeting (in `meetings`) where it was taken. */
  meeting: slug().optional(),
  comment: nonEmptyText(2000, { multiline: true }).optional(),
});

const ficheSchema = z.strictObject({
  /** The fiche's reference as the CTG knows it (« FA-2023-04 »); left out, Concerto numbers it. */
  code: text(40)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, {
      error: 'Une référence est faite de lettres, chiffres, points, tirets, par exemple « FA-2023-04 ».',
    })
    .optional(),
  authorEmail: email(),
  stage: enumOf(STAGES, 'Stade de la fiche'),
  /** The validated version that applies: for a fiche en œuvre or clôturée. */
  versionInForce: versionNumber().optional(),
  /** For a fiche en œuvre: the amendment under review, a version after the one in force. */
  amendment: z
    .strictObject({
      version: versionNumber(),
      stage: enumOf(REVIEW_STAGES, 'Stade de l’avenant'),
      summary: nonEmptyText(2000),
    })
    .optional(),
  /** The CAF's and the MSA's opinions on the version awaiting the COPIL. */
  partnerOpinions: z
    .partialRecord(enumOf(PARTNERS, 'Partenaire'), enumOf(PARTNER_OPINIONS, 'Avis du partenaire'))
    .optional(),
  /** Each version's content; the one in force and the one under review among them. */
  versions: z.array(versionSchema).min(1, { error: 'Au moins une version de la fiche est attendue.' }),
  decisions: z.array(decisionSchema).default([]),
});

export const runningConventionSchema = shareable(
  z.strictObject({
    format: z.literal(RUNNING_FORMAT, { error: `« format » doit valoir « ${RUNNING_FORMAT} ».` }),
    version: z.literal(RUNNING_VERSION, { error: `Seule la version ${RUNNING_VERSION} du format est lue.` }),
    meetings: z.array(meetingSchema).default([]),
    fiches: z.array(ficheSchema).min(1, { error: 'Au moins une fiche est attendue.' }),
  }),
);

export type RunningConvention = z.infer<ReturnType<typeof runningConventionSchema>>;
export type ImportedFiche = RunningConvention['fiches'][number];
export type ImportedMeeting = RunningConvention['meetings'][number];

/** The version under review of an imported fiche, or null when none is. */
export function reviewedVersion(
  fiche: ImportedFiche,
): { version: number; stage: (typeof REVIEW_STAGES)[number] } | null {
  if (fiche.amendment) return { version: fiche.amendment.version, stage: fiche.amendment.stage };
  const review = REVIEW_STAGES.find((stage) => stage === fiche.stage);
  return review ? { version: Math.max(...fiche.versions.map((v) => v.version)), stage: review } : null;
}

/**
 * Every combination the lifecycle cannot be in, as issues whose `field` is the dotted path of the
 * value at fault (`fiches.2.versionInForce`), with a French message saying what to change.
 * `now` (ISO instant) bounds the dates: what is imported has happened.
 */
export function checkRunningConvention(file: RunningConvention, now: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const meetings = new Map<string, ImportedMeeting>();
  file.meetings.forEach((meeting, i) => {
    const at = `meetings.${i}`;
    if (meetings.has(meeting.key))
      issues.push({
        field: `${at}.key`,
        message: `La réunion « ${meeting.key} » figure deux fois : une clé par réunion.`,
      });
    meetings.set(meeting.key, meeting);
    if (meeting.startsAt > now)
      issues.push({
        field: `${at}.startsAt`,
        message: 'Seules les réunions déjà tenues s’importent : cette date est à venir.',
      });
    const seen = new Set<string>();
    for (const list of ['present', 'excused'] as const)
      meeting[list]?.forEach((address, j) => {
        if (seen.has(address))
          issues.push({ field: `${at}.${list}.${j}`, message: `${address} figure deux fois dans les présences.` });
        seen.add(address);
      });
    if (meeting.endsAt !== undefined && meeting.endsAt <= meeting.startsAt)
      issues.push({ field: `${at}.endsAt`, message: 'La fin de la réunion doit suivre son début.' });
  });
  const codes = new Map<string, number>();
  file.fiches.forEach((fiche, i) => {
    if (fiche.code === undefined) return;
    const first = codes.get(fiche.code);
    if (first !== undefined)
      issues.push({
        field: `fiches.${i}.code`,
        message: `La référence « ${fiche.code} » est déjà celle de fiches.${first} : une par fiche.`,
      });
    else codes.set(fiche.code, i);
  });
  file.fiches.forEach((fiche, i) => issues.push(...checkFiche(fiche, `fiches.${i}`, meetings, now)));
  return issues;
}

function checkFiche(
  fiche: ImportedFiche,
  at: string,
  meetings: ReadonlyMap<string, ImportedMeeting>,
  now: string,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const issue = (field: string, message: string) => issues.push({ field: `${at}${field ? `.${field}` : ''}`, message });
  const listed = new Set<number>();
  fiche.versions.forEach((v, j) => {
    if (listed.has(v.version)) issue(`versions.${j}.version`, `La version ${v.version} figure deux fois.`);
    listed.add(v.version);
  });
  const stage = STAGE_LABELS[fiche.stage];
  const inForce = fiche.versionInForce;
  const validated = fiche.stage === 'en_oeuvre' || fiche.stage === 'cloturee';
  if (validated && inForce === undefined)
    issue('versionInForce', `Une fiche ${stage} a une version en vigueur : indiquez son numéro.`);
  if (!validated && inForce !== undefined)
    issue('versionInForce', `Une fiche ${stage} n’a pas de version en vigueur : retirez « versionInForce ».`);
  if (inForce !== undefined && !listed.has(inForce))
    issue('versionInForce', `La version ${inForce} n’est pas dans « versions » : donnez son contenu.`);
  if (fiche.amendment) {
    if (fiche.stage !== 'en_oeuvre')
      issue('amendment', `Seule une fiche en œuvre a un avenant à l’examen ; celle-ci est ${stage}.`);
    else if (inForce !== undefined && fiche.amendment.version <= inForce)
      issue('amendment.version', `L’avenant suit la version en vigueur (${inForce}) : son numéro est plus grand.`);
    if (!listed.has(fiche.amendment.version))
      issue(
        'amendment.version',
        `La version ${fiche.amendment.version} n’est pas dans « versions » : donnez son contenu.`,
      );
  }
  const review = reviewedVersion(fiche);
  if (fiche.partnerOpinions && Object.keys(fiche.partnerOpinions).length > 0 && review?.stage !== 'attente_copil')
    issue('partnerOpinions', 'Les avis de la CAF et de la MSA portent sur une version en attente du COPIL.');

  fiche.decisions.forEach((decision, j) => {
    const where = `decisions.${j}`;
    const outcomes = BODY_OUTCOMES[decision.body];
    if (!outcomes.includes(decision.outcome))
      issue(`${where}.outcome`, `Décision : valeurs possibles ${outcomes.map((o) => `« ${o} »`).join(', ')}.`);
    if (!listed.has(decision.version))
      issue(`${where}.version`, `La version ${decision.version} n’est pas dans « versions » de la fiche.`);
    if (decision.date > now)
      issue(`${where}.date`, 'Seules les décisions déjà prises s’importent : cette date est à venir.');
    if (decision.meeting !== undefined) {
      const meeting = meetings.get(decision.meeting);
      if (!meeting) issue(`${where}.meeting`, `Aucune réunion « ${decision.meeting} » dans « meetings ».`);
    }
  });

  // The last decision on a version says where it stands: it must agree with the stage the file gives it.
  const lastOn = (version: number) =>
    fiche.decisions
      .map((decision, j) => ({ decision, j }))
      .filter(({ decision }) => decision.version === version && BODY_OUTCOMES[decision.body].includes(decision.outcome))
      .sort((a, b) => a.decision.date.localeCompare(b.decision.date))
      .at(-1);
  const agree = (version: number, expected: readonly string[], what: string) => {
    const last = lastOn(version);
    if (!last) return;
    const leadsTo = LEADS_TO[last.decision.body][last.decision.outcome]!;
    if (!expected.includes(leadsTo))
      issue(
        `decisions.${last.j}`,
        `Cette décision (« ${last.decision.outcome} », la dernière sur la version ${version}) ne laisse pas ` +
          `la version ${what} : corrigez le stade ou la décision.`,
      );
  };
  if (review) {
    // A version resubmitted after « à retravailler » is soumise again; one never decided on may be anywhere.
    const expected = review.stage === 'soumise' ? ['brouillon', 'soumise'] : [review.stage];
    agree(review.version, expected, STAGE_LABELS[review.stage]);
  }
  if (inForce !== undefined) agree(inForce, ['en_vigueur'], 'en vigueur');
  if (fiche.stage === 'rejetee' || fiche.stage === 'refusee') {
    const latest = Math.max(...fiche.versions.map((v) => v.version));
    agree(latest, [fiche.stage], stage);
  }
  return issues;
}

/**
 * Reads a running convention's file: its shape (every string through `text()`/`nonEmptyText()`,
 * every date through `readInstant`), then every combination the lifecycle cannot be in. Throws
 * DomainError('INVALID_INPUT') listing every issue, each prefixed by its JSON path.
 */
export function parseRunningConvention(input: unknown, now: string): RunningConvention {
  const file = parseInput(runningConventionSchema(), input, { what: 'le fichier de la convention en cours' });
  const issues = checkRunningConvention(file, now);
  if (issues.length > 0) throw runningFileError(issues);
  return file;
}

/** The refusal of a running convention's file: every issue, each message prefixed by its JSON path. */
export function runningFileError(issues: readonly FieldIssue[]): DomainError {
  const located = issues.map((issue) => ({ ...issue, message: `${issue.field} : ${issue.message}` }));
  return new DomainError(
    'INVALID_INPUT',
    summariseIssues('le fichier de la convention en cours', located),
    issues[0]?.field,
    issues,
  );
}

/** Who imported a fiche, and when (ISO instant): the imported history's `by`, the partner opinions' `at`. */
export interface ImportRecord {
  by: string;
  at: string;
}

/**
 * The lifecycle state of an imported fiche, as {@link apply} would have left it: its stage, the
 * version in force and the one under review (with the COTECH's avis, the partners' opinions, the
 * COPIL's adjournments and the bodies' comments), and one history entry per decision, oldest
 * first, recorded by the importing admin at the decision's date. For a file
 * {@link parseRunningConvention} accepted.
 */
export function importedLifecycle(fiche: ImportedFiche, record: ImportRecord): LifecycleState {
  const decisions = [...fiche.decisions].sort((a, b) => a.date.localeCompare(b.date));
  const history: HistoryEntry[] = decisions.map((d) => ({
    action: BODY_ACTION[d.body],
    by: record.by,
    at: d.date,
    version: d.version,
    outcome: d.outcome,
    ...(d.comment ? { comment: d.comment } : {}),
  }));
  const under = reviewedVersion(fiche);
  let review: VersionReview | null = null;
  if (under) {
    const on = decisions.filter((d) => d.version === under.version);
    const avis = on.filter((d) => d.body === 'cotech').at(-1);
    const partnerOpinions: Partial<Record<(typeof PARTNERS)[number], PartnerOpinion>> = {};
    for (const partner of PARTNERS) {
      const opinion = fiche.partnerOpinions?.[partner];
      if (opinion) partnerOpinions[partner] = { opinion, by: record.by, at: record.at };
    }
    const comments: ReviewComment[] = on
      .filter((d) => d.comment && d.body !== 'bureau_communautaire')
      .map((d) => ({
        from: d.body as ReviewComment['from'],
        outcome: d.outcome,
        text: d.comment!,
        by: record.by,
        at: d.date,
      }));
    review = {
      version: under.version,
      stage: under.stage,
      ...(fiche.amendment ? { amendmentSummary: fiche.amendment.summary } : {}),
      ...(under.stage !== 'brouillon' && under.stage !== 'soumise' && avis && avis.outcome !== 'a_retravailler'
        ? {
            avis: {
              outcome: avis.outcome as 'favorable' | 'defavorable',
              by: record.by,
              at: avis.date,
              ...(avis.comment ? { comment: avis.comment } : {}),
            },
          }
        : {}),
      partnerOpinions,
      adjournments: on.filter((d) => d.body === 'copil' && d.outcome === 'ajournee').length,
      comments,
    };
  }
  return {
    stage: fiche.stage,
    versionInForce: fiche.versionInForce ?? null,
    latestVersion: Math.max(...fiche.versions.map((v) => v.version)),
    review,
    evaluations: [],
    history,
  };
}

/** When the version in force was validated (its Bureau decision), for the yearly évaluation's anniversary. */
export function implementationStart(fiche: ImportedFiche): string | undefined {
  return fiche.decisions
    .filter((d) => d.version === fiche.versionInForce && d.body === 'bureau_communautaire' && d.outcome === 'validee')
    .map((d) => d.date)
    .sort()
    .at(-1);
}

/** The state each version of an imported fiche is stored in (FicheVersion.state). */
export function importedVersionState(fiche: ImportedFiche, version: number): string {
  const review = reviewedVersion(fiche);
  if (review?.version === version) return review.stage === 'brouillon' ? 'brouillon' : 'proposee';
  if (fiche.versionInForce === version) return fiche.stage === 'cloturee' ? 'cloturee' : 'en_vigueur';
  if (fiche.versionInForce !== undefined && version < fiche.versionInForce) return 'remplacee';
  return 'abandonnee';
}

/** The title an imported fiche is known by: its version in force's, else its latest version's. */
export function importedTitle(fiche: ImportedFiche): string {
  const byVersion = [...fiche.versions].sort((a, b) => a.version - b.version);
  return (byVersion.find((v) => v.version === fiche.versionInForce) ?? byVersion.at(-1)!).title;
}

/** What an import would write, counted: an admin reads it before confirming (the API's `?dryRun=true`). */
export interface RunningPreview {
  /** Meetings held. */
  meetings: number;
  /** Decisions of the COTECH, the COPIL and the Bureau. */
  decisions: number;
  /** The CAF's and the MSA's opinions. */
  opinions: number;
  /** How many fiches at each stage, in the lifecycle's order; stages without any left out. */
  stages: Array<{ stage: Stage; fiches: number }>;
  /** Each fiche as it would be written, in the file's order: its reference (given or the next free one). */
  fiches: Array<{ code: string; title: string; stage: Stage }>;
}

/** The preview of a file {@link parseRunningConvention} accepted, each fiche with the reference `codes` gives it. */
export function previewRunning(file: RunningConvention, codes: readonly string[]): RunningPreview {
  return {
    meetings: file.meetings.length,
    decisions: file.fiches.reduce((sum, fiche) => sum + fiche.decisions.length, 0),
    opinions: file.fiches.reduce((sum, fiche) => sum + Object.keys(fiche.partnerOpinions ?? {}).length, 0),
    stages: STAGES.map((stage) => ({ stage, fiches: file.fiches.filter((f) => f.stage === stage).length })).filter(
      (s) => s.fiches > 0,
    ),
    fiches: file.fiches.map((fiche, i) => ({ code: codes[i]!, title: importedTitle(fiche), stage: fiche.stage })),
  };
}

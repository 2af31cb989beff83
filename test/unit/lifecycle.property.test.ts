import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEMBER_ROLES, REFERENCE_CHARTER, STRUCTURE_KINDS } from '../../domain/charter.js';
import { DomainError } from '../../domain/errors.js';
import type { Action, Actor, LifecycleState } from '../../domain/lifecycle/model.js';
import { pendingStep } from '../../domain/lifecycle/pending-step.js';
import { allowedActions, check } from '../../domain/lifecycle/rules.js';
import { apply, initialState } from '../../domain/lifecycle/transitions.js';
import {
  ACTION_KINDS,
  APP_ROLES,
  AVIS_OUTCOMES,
  BUREAU_OUTCOMES,
  COPIL_OUTCOMES,
  EVALUATION_YEARS,
  PARTNERS,
  PARTNER_OPINIONS,
  REVIEW_STAGES,
  STAGES,
  isTerminal,
  type ActionKind,
} from '../../domain/lifecycle/vocabulary.js';

/** Fixed so that a failure replays: the report gives the seed and the path; FC_SEED explores others. */
const SEED = Number(process.env.FC_SEED ?? 20250615);
const NUM_RUNS = 300;
const charter = REFERENCE_CHARTER;

const admin: Actor = { email: 'admin@example.org', appRole: 'admin', instanceRoles: {} };
const cooperateur: Actor = { email: 'coop@example.org', appRole: 'cooperateur', instanceRoles: {} };
const cotechSecretary: Actor = {
  email: 'cotech@example.org',
  appRole: 'secretaire_instance',
  instanceRoles: { cotech: ['secretaire'] },
};
const copilPresident: Actor = {
  email: 'copil@example.org',
  appRole: 'membre',
  instanceRoles: { copil: ['president'] },
};
const bureauSecretary: Actor = {
  email: 'bureau@example.org',
  appRole: 'secretaire_instance',
  instanceRoles: { bureau_communautaire: ['secretaire'] },
};
const cafAgent: Actor = { email: 'caf@example.org', appRole: 'partenaire', instanceRoles: {}, structureKind: 'caf' };
const msaAgent: Actor = { email: 'msa@example.org', appRole: 'partenaire', instanceRoles: {}, structureKind: 'msa' };

const roles = fc.subarray([...MEMBER_ROLES], { maxLength: 3 });
/** Anyone at all: any app role, any roles in the deciding instances, any structure. */
const anyone: fc.Arbitrary<Actor> = fc.oneof(
  fc.constantFrom(admin, cooperateur, cotechSecretary, copilPresident, bureauSecretary, cafAgent, msaAgent),
  fc
    .record({
      appRole: fc.constantFrom(...APP_ROLES),
      instanceRoles: fc.record({ cotech: roles, copil: roles, bureau_communautaire: roles }, { requiredKeys: [] }),
      structureKind: fc.option(fc.constantFrom(...STRUCTURE_KINDS), { nil: undefined }),
    })
    .map(({ appRole, instanceRoles, structureKind }): Actor => ({
      email: 'someone@example.org',
      appRole,
      instanceRoles,
      ...(structureKind ? { structureKind } : {}),
    })),
);

/** Mostly the person whose job it is, sometimes an admin. */
const usual = (...holders: Actor[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...holders), weight: 4 }, { arbitrary: fc.constant(admin), weight: 1 });
const byJob: Record<ActionKind, fc.Arbitrary<Actor>> = {
  submit: usual(cooperateur),
  recordAvis: usual(cotechSecretary),
  recordPartnerOpinion: usual(cafAgent, msaAgent),
  recordCopilDecision: usual(copilPresident),
  recordBureauValidation: usual(bureauSecretary),
  requestAmendment: usual(cooperateur),
  withdraw: usual(cooperateur),
  recordEvaluation: usual(cooperateur),
  close: usual(cooperateur),
};

/** Sometimes missing or blank, so that the rule « say why » comes up too. */
const comment = fc.constantFrom<string | undefined>(undefined, 'Motif', '  ');
const withComment = (action: Action, text: string | undefined): Action =>
  text === undefined ? action : ({ ...action, comment: text } as Action);

function actionOf(kind: ActionKind, who: fc.Arbitrary<Actor>): fc.Arbitrary<Action> {
  switch (kind) {
    case 'submit':
      return who.map((actor) => ({ kind, actor }));
    case 'recordAvis':
      return fc
        .tuple(who, fc.constantFrom(...AVIS_OUTCOMES), comment)
        .map(([actor, outcome, text]) => withComment({ kind, actor, outcome }, text));
    case 'recordPartnerOpinion':
      return fc
        .tuple(who, fc.constantFrom(...PARTNERS), fc.constantFrom(...PARTNER_OPINIONS), comment)
        .map(([actor, partner, opinion, text]) => withComment({ kind, actor, partner, opinion }, text));
    case 'recordCopilDecision':
      return fc
        .tuple(who, fc.constantFrom(...COPIL_OUTCOMES, 'adoptee'), comment)
        .map(([actor, outcome, text]) => withComment({ kind, actor, outcome }, text));
    case 'recordBureauValidation':
      return fc
        .tuple(who, fc.constantFrom(...BUREAU_OUTCOMES, 'validee'), comment)
        .map(([actor, outcome, text]) => withComment({ kind, actor, outcome }, text));
    case 'requestAmendment':
      return who.map((actor) => ({ kind, actor, summary: 'Avenant' }));
    case 'withdraw':
      return who.map((actor) => ({ kind, actor, reason: 'Abandon' }));
    case 'recordEvaluation':
      return fc
        .tuple(who, fc.integer({ min: 2023, max: 2027 }))
        .map(([actor, year]) => ({ kind, actor, year, summary: 'Bilan' }));
    case 'close':
      return who.map((actor) => ({ kind, actor, reason: 'Terminée' }));
  }
}

/** How often each kind comes up: ending a fiche is rarer, so that runs get to amendments. */
const WEIGHT: Record<ActionKind, number> = {
  submit: 8,
  recordAvis: 8,
  recordPartnerOpinion: 10,
  recordCopilDecision: 8,
  recordBureauValidation: 8,
  requestAmendment: 6,
  withdraw: 1,
  recordEvaluation: 3,
  close: 1,
};

/**
 * One step: usually an action of a kind the state admits (chosen with `pick`), from whoever's job
 * it is, with any outcome and comment; otherwise any action from anyone. Both are drawn up front.
 */
const stepArb = fc.record({
  directed: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  pick: fc.nat(),
  random: fc.oneof(...ACTION_KINDS.map((kind) => ({ weight: WEIGHT[kind], arbitrary: actionOf(kind, anyone) }))),
  job: fc.record(
    Object.fromEntries(ACTION_KINDS.map((kind) => [kind, actionOf(kind, byJob[kind])])) as Record<
      ActionKind,
      fc.Arbitrary<Action>
    >,
  ),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function chooseAction(state: LifecycleState, step: Step): Action {
  if (!step.directed) return step.random;
  const weighted = allowedActions(state).flatMap((kind) => Array<ActionKind>(WEIGHT[kind]).fill(kind));
  return weighted.length === 0 ? step.random : step.job[weighted[step.pick % weighted.length]!];
}

function nowAt(step: number): string {
  return new Date(Date.UTC(2024, 0, 1) + step * 5 * 86_400_000).toISOString();
}

function passes(state: LifecycleState, action: Action, now: string): boolean {
  try {
    check(state, action, charter, now);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}

/**
 * The most favourable inputs for a kind: an admin (who holds every role the reference charter
 * names) with each partner and a year not yet evaluated. If none passes, nobody and nothing does.
 */
function bestCandidates(kind: ActionKind, state: LifecycleState, now: string): Action[] {
  const actor = admin;
  switch (kind) {
    case 'submit':
      return [{ kind, actor }];
    case 'recordAvis':
      return [{ kind, actor, outcome: 'favorable' }];
    case 'recordPartnerOpinion':
      return PARTNERS.map((partner) => ({ kind, actor, partner, opinion: 'favorable' }));
    case 'recordCopilDecision':
      return [{ kind, actor, outcome: 'adoptee' }];
    case 'recordBureauValidation':
      return [{ kind, actor, outcome: 'validee' }];
    case 'requestAmendment':
      return [{ kind, actor, summary: 'Avenant' }];
    case 'withdraw':
      return [{ kind, actor, reason: 'Abandon' }];
    case 'recordEvaluation': {
      const taken = new Set(state.evaluations.map((evaluation) => evaluation.year));
      let year = Number(now.slice(0, 4));
      while (taken.has(year) && year > EVALUATION_YEARS.min) year--;
      return [{ kind, actor, year, summary: 'Bilan' }];
    }
    case 'close':
      return [{ kind, actor, reason: 'Terminée' }];
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A cheap assertion for the hot loop; the message says which invariant broke. */
function holds(condition: boolean, invariant: string, state: LifecycleState): void {
  if (!condition) throw new Error(`invariant broken: ${invariant}\nstate: ${JSON.stringify(state)}`);
}

/**
 * Plain JSON all the way down: no undefined, no class instances, no NaN, so it survives Temporal's payloads unchanged.
 */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlainJson);
}

/** What a state must satisfy, whatever led to it. */
function assertInvariants(state: LifecycleState): void {
  const { review, versionInForce, stage } = state;
  holds(STAGES.includes(stage), 'the stage is a known one', state);
  holds(
    Number.isInteger(state.latestVersion) && state.latestVersion >= 1,
    'latestVersion is a positive integer',
    state,
  );

  if (versionInForce === null) {
    holds(stage !== 'en_oeuvre' && stage !== 'cloturee', 'no version in force before validation', state);
    holds(state.evaluations.length === 0, 'no évaluation before validation', state);
  } else {
    holds(stage === 'en_oeuvre' || stage === 'cloturee', 'a version is in force only en œuvre or clôturée', state);
    holds(versionInForce >= 1 && versionInForce <= state.latestVersion, 'the version in force is one given', state);
  }
  if ((REVIEW_STAGES as readonly string[]).includes(stage))
    holds(review?.stage === stage, 'a first version’s stage is the fiche’s', state);
  if (isTerminal(stage)) {
    holds(review === null, 'nothing under review at a terminal stage', state);
    holds(allowedActions(state).length === 0, 'a terminal stage admits no action', state);
  }
  holds((pendingStep(state) === null) === (review === null), 'a step is pending iff a version is under review', state);

  if (review) {
    holds(review.version === state.latestVersion, 'the version under review is the latest', state);
    if (versionInForce !== null)
      holds(
        stage === 'en_oeuvre' && review.version > versionInForce,
        'an amendment is newer than the version in force',
        state,
      );
    if (review.stage === 'brouillon' || review.stage === 'soumise') {
      holds(
        review.avis === undefined && Object.keys(review.partnerOpinions).length === 0 && review.adjournments === 0,
        'nothing decided on a version before the COTECH',
        state,
      );
    } else {
      holds(
        review.avis?.outcome === 'favorable' || review.avis?.outcome === 'defavorable',
        'past the COTECH, its avis is kept',
        state,
      );
    }
    if (review.stage === 'attente_bureau') {
      holds(
        review.partnerOpinions.caf !== undefined && review.partnerOpinions.msa !== undefined,
        'the Bureau sees both partner opinions',
        state,
      );
    }
  }

  const years = state.evaluations.map((evaluation) => evaluation.year);
  holds(new Set(years).size === years.length, 'one évaluation a year', state);
  holds(
    years.every((year, index) => index === 0 || years[index - 1]! < year),
    'évaluations sorted by year',
    state,
  );
  holds(
    state.evaluations.every((evaluation) => evaluation.version <= (versionInForce ?? 0)),
    'an évaluation concerns a version in force',
    state,
  );
}

/** What one accepted action may change. */
function assertTransition(before: LifecycleState, after: LifecycleState, action: Action, now: string): void {
  holds(after.history.length === before.history.length + 1, 'one history entry per accepted action', after);
  holds(
    before.history.every((entry, index) => after.history[index] === entry),
    'the history only grows',
    after,
  );
  const last = after.history.at(-1)!;
  holds(
    last.action === action.kind && last.at === now && last.by === action.actor.email.toLowerCase(),
    'the entry says what, when, who',
    after,
  );
  holds(isPlainJson(after), 'the state is plain JSON', after);

  if (action.kind === 'recordCopilDecision') {
    holds(
      before.review?.partnerOpinions.caf !== undefined && before.review.partnerOpinions.msa !== undefined,
      'the COPIL decides seeing both opinions',
      after,
    );
  }
  if (after.versionInForce !== before.versionInForce) {
    holds(
      action.kind === 'recordBureauValidation' && action.outcome === 'validee',
      'only the Bureau’s validation puts a version in force',
      after,
    );
    holds(after.versionInForce === before.review?.version, 'the validated version is the one reviewed', after);
    holds((after.versionInForce ?? 0) > (before.versionInForce ?? 0), 'the version in force only increases', after);
  }
  holds(
    after.latestVersion === before.latestVersion + (action.kind === 'requestAmendment' ? 1 : 0),
    'a new version only by amendment',
    after,
  );
}

/** The shrunk counterexample as people read it: one line per action, accepted or refused. */
function replay(steps: readonly Step[]): string[] {
  let state = initialState();
  return steps.map((step, index) => {
    const now = nowAt(index);
    const action = chooseAction(state, step);
    const { kind, actor, ...input } = action;
    const line =
      `${index + 1}. [${state.stage}${
        state.review && state.versionInForce !== null ? `, avenant ${state.review.stage}` : ''
      }] ` +
      `${kind} ${JSON.stringify(input)} by ${actor.email} ` +
      `${JSON.stringify({
        appRole: actor.appRole,
        instanceRoles: actor.instanceRoles,
        structureKind: actor.structureKind,
      })}`;
    try {
      check(state, action, charter, now);
      state = apply(state, action, now);
      return `${line} → accepted`;
    } catch (error) {
      return `${line} → ${error instanceof DomainError ? error.code : `threw ${String(error)}`}`;
    }
  });
}

/** Which situations the runs reached: a property test that never gets past « soumise » proves little. */
const reached = new Set<string>();

describe('the lifecycle under random sequences of actions', () => {
  it(`keeps its invariants (seed ${SEED}, ${NUM_RUNS} runs)`, () => {
    const property = fc.property(fc.array(stepArb, { minLength: 1, maxLength: 150, size: 'max' }), (steps) => {
      let state = deepFreeze(initialState());
      let accepted = 0;
      let agreedState: LifecycleState | undefined;
      let agreedYear = '';
      steps.forEach((step, index) => {
        const now = nowAt(index);
        const before = state;
        const action = chooseAction(before, step);
        let refusal: DomainError | undefined;
        try {
          check(before, action, charter, now);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          refusal = error;
        }
        if (refusal) {
          reached.add(`refused ${refusal.code}`);
          if (refusal.code === 'WRONG_STAGE')
            holds(!allowedActions(before).includes(action.kind), 'a kind refused for its stage is not allowed', before);
          if (isTerminal(before.stage))
            holds(
              refusal.code === 'WRONG_STAGE' || refusal.code === 'INVALID_INPUT',
              'a terminal stage refuses for the stage',
              before,
            );
        } else {
          holds(!isTerminal(before.stage), 'a terminal stage accepts nothing', before);
          holds(allowedActions(before).includes(action.kind), 'an accepted kind is allowed', before);
          state = deepFreeze(apply(before, action, now));
          accepted++;
          assertTransition(before, state, action, now);
          const amendment =
            before.versionInForce !== null && before.review !== null && action.kind !== 'recordEvaluation';
          reached.add(
            `${amendment ? 'amendment ' : ''}${action.kind}${'outcome' in action ? `:${action.outcome}` : ''}`,
          );
          reached.add(state.stage);
        }
        assertInvariants(state);
        holds(state.history.length === accepted, 'history length = accepted actions', state);

        // allowedActions agrees with check: a kind is listed iff some actor with some input passes.
        // A refused action leaves the state as it was: checked already, unless the year turned.
        const next = nowAt(index + 1);
        if (state !== agreedState || next.slice(0, 4) !== agreedYear) {
          const allowed = allowedActions(state);
          for (const kind of ACTION_KINDS) {
            const someonePasses = bestCandidates(kind, state, next).some((candidate) => passes(state, candidate, next));
            holds(
              allowed.includes(kind) === someonePasses,
              `allowedActions lists ${kind} iff check lets it pass`,
              state,
            );
          }
          agreedState = state;
          agreedYear = next.slice(0, 4);
        }
      });
      // The COPIL never decided on a version before both partners gave their opinion on it.
      state.history.forEach((entry, index) => {
        if (entry.action !== 'recordCopilDecision') return;
        const partners = state.history
          .slice(0, index)
          .filter((e) => e.action === 'recordPartnerOpinion' && e.version === entry.version);
        holds(
          PARTNERS.every((partner) => partners.some((e) => e.partner === partner)),
          'the COPIL decides after both opinions',
          state,
        );
      });
    });
    const details = fc.check(property, { seed: SEED, numRuns: NUM_RUNS });
    if (details.failed) {
      const error =
        details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      const steps = details.counterexample?.[0] ?? [];
      throw new Error(
        `Property failed after ${details.numRuns} runs (seed ${SEED}, path ` +
          `${details.counterexamplePath}; replay with FC_SEED=${SEED}):\n` +
          `${error}\nShrunk sequence, as applied:\n${replay(steps).join('\n')}`,
      );
    }
  });

  it('got everywhere: every stage, outcome and refusal came up', () => {
    for (const situation of [
      'en_oeuvre',
      'cloturee',
      'rejetee',
      'refusee',
      'retiree',
      'recordAvis:a_retravailler',
      'recordAvis:defavorable',
      'recordCopilDecision:ajournee',
      'recordEvaluation',
      'amendment recordAvis:a_retravailler',
      'amendment recordCopilDecision:rejetee',
      'amendment recordBureauValidation:validee',
      'amendment recordBureauValidation:refusee',
      'amendment withdraw',
      'refused PARTNER_OPINIONS_MISSING',
      'refused ROLE_NOT_ALLOWED',
      'refused INVALID_INPUT',
      'refused WRONG_STAGE',
    ]) {
      expect(reached, `no run reached « ${situation} »`).toContain(situation);
    }
  });
});

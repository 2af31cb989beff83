import { describe, expect, it } from 'vitest';
import {
  MEMBER_ROLES,
  REFERENCE_CHARTER,
  STRUCTURE_KINDS,
  type Charter,
  type InstanceKind,
  type MemberRole,
} from '../../domain/charter.js';
import { actionSchemas, parseAction } from '../../domain/lifecycle/action-schemas.js';
import type { Action, Actor, LifecycleState } from '../../domain/lifecycle/model.js';
import { pendingStep } from '../../domain/lifecycle/pending-step.js';
import { allowedActions, check } from '../../domain/lifecycle/rules.js';
import { apply, initialState } from '../../domain/lifecycle/transitions.js';
import { ACTION_KINDS, APP_ROLES, type ActionKind, type AppRole } from '../../domain/lifecycle/vocabulary.js';
import { domainError } from '../helpers/domain-error.js';

const charter = REFERENCE_CHARTER;
const NOW = '2025-06-15T10:00:00.000Z';

const cooperateur: Actor = { email: 'coop@example.org', appRole: 'cooperateur', instanceRoles: {} };
const admin: Actor = { email: 'admin@example.org', appRole: 'admin', instanceRoles: {} };
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

const submit = (actor = cooperateur): Action => ({ kind: 'submit', actor });
const avis = (outcome: 'favorable' | 'a_retravailler' | 'defavorable', comment?: string): Action => ({
  kind: 'recordAvis',
  actor: cotechSecretary,
  outcome,
  ...(comment ? { comment } : {}),
});
const opinion = (
  partner: 'caf' | 'msa',
  value: 'favorable' | 'reserve' | 'defavorable' = 'favorable',
  comment?: string,
): Action => ({
  kind: 'recordPartnerOpinion',
  actor: partner === 'caf' ? cafAgent : msaAgent,
  partner,
  opinion: value,
  ...(comment ? { comment } : {}),
});
const copil = (outcome: 'adoptee' | 'ajournee' | 'rejetee', comment?: string): Action => ({
  kind: 'recordCopilDecision',
  actor: copilPresident,
  outcome,
  ...(comment ? { comment } : {}),
});
const bureau = (outcome: 'validee' | 'refusee', comment?: string): Action => ({
  kind: 'recordBureauValidation',
  actor: bureauSecretary,
  outcome,
  ...(comment ? { comment } : {}),
});
const amend = (summary = 'Étendre l’action au secteur de Melle'): Action => ({
  kind: 'requestAmendment',
  actor: cooperateur,
  summary,
});
const withdraw = (reason = 'Le porteur renonce'): Action => ({ kind: 'withdraw', actor: cooperateur, reason });
const evaluate = (year: number, summary = 'Bilan positif'): Action => ({
  kind: 'recordEvaluation',
  actor: cooperateur,
  year,
  summary,
});
const close = (reason = 'Action menée à son terme'): Action => ({ kind: 'close', actor: cooperateur, reason });

/** Checks then applies each action, as the workflow's validator and handler do, one day apart. */
function run(state: LifecycleState, ...actions: Action[]): LifecycleState {
  let day = state.history.length;
  for (const action of actions) {
    const now = new Date(Date.UTC(2025, 0, 1) + day++ * 86_400_000).toISOString();
    check(state, action, charter, now);
    state = apply(state, action, now);
  }
  return state;
}

const toCopil = [submit(), avis('favorable')];
const bothOpinions = [opinion('caf'), opinion('msa')];
const toBureau = [...toCopil, ...bothOpinions, copil('adoptee')];
const toValidation = [...toBureau, bureau('validee')];

/** Named states, reached through the rules themselves. */
const inForce = () => run(initialState(), ...toValidation);
const states: Record<string, () => LifecycleState> = {
  brouillon: () => initialState(),
  soumise: () => run(initialState(), submit()),
  attente_copil: () => run(initialState(), ...toCopil, ...bothOpinions),
  attente_bureau: () => run(initialState(), ...toBureau),
  en_oeuvre: inForce,
  'avenant brouillon': () => run(inForce(), amend()),
  'avenant soumis': () => run(inForce(), amend(), submit()),
  'avenant attente_copil': () => run(inForce(), amend(), ...toCopil, ...bothOpinions),
  'avenant attente_bureau': () => run(inForce(), amend(), ...toBureau),
  rejetee: () => run(initialState(), ...toCopil, ...bothOpinions, copil('rejetee', 'Hors du champ de la CTG')),
  refusee: () => run(initialState(), ...toBureau, bureau('refusee', 'Budget non disponible')),
  retiree: () => run(initialState(), withdraw()),
  cloturee: () => run(inForce(), close()),
};

/** The actions each named state admits (from an admin with valid input). */
const ADMITTED: Record<string, ActionKind[]> = {
  brouillon: ['submit', 'withdraw'],
  soumise: ['recordAvis', 'withdraw'],
  attente_copil: ['recordPartnerOpinion', 'recordCopilDecision', 'withdraw'],
  attente_bureau: ['recordBureauValidation', 'withdraw'],
  en_oeuvre: ['requestAmendment', 'recordEvaluation', 'close'],
  'avenant brouillon': ['submit', 'withdraw', 'recordEvaluation'],
  'avenant soumis': ['recordAvis', 'withdraw', 'recordEvaluation'],
  'avenant attente_copil': ['recordPartnerOpinion', 'recordCopilDecision', 'withdraw', 'recordEvaluation'],
  'avenant attente_bureau': ['recordBureauValidation', 'withdraw', 'recordEvaluation'],
  rejetee: [],
  refusee: [],
  retiree: [],
  cloturee: [],
};

/** A valid action of each kind, from an admin (who holds every role the reference charter names). */
function adminAction(kind: ActionKind): Action {
  const actor = admin;
  switch (kind) {
    case 'submit':
      return { kind, actor };
    case 'recordAvis':
      return { kind, actor, outcome: 'favorable' };
    case 'recordPartnerOpinion':
      return { kind, actor, partner: 'caf', opinion: 'favorable' };
    case 'recordCopilDecision':
      return { kind, actor, outcome: 'adoptee' };
    case 'recordBureauValidation':
      return { kind, actor, outcome: 'validee' };
    case 'requestAmendment':
      return { kind, actor, summary: 'Nouveau public visé' };
    case 'withdraw':
      return { kind, actor, reason: 'Abandon' };
    case 'recordEvaluation':
      return { kind, actor, year: 2025, summary: 'Bilan' };
    case 'close':
      return { kind, actor, reason: 'Terminée' };
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('accepted transitions', () => {
  it('starts as a first version in brouillon, for the GTT to write', () => {
    const state = initialState();
    expect(state).toStrictEqual({
      stage: 'brouillon',
      versionInForce: null,
      latestVersion: 1,
      review: { version: 1, stage: 'brouillon', partnerOpinions: {}, adjournments: 0, comments: [] },
      evaluations: [],
      history: [],
    });
    expect(pendingStep(state)).toMatchObject({ instanceKind: 'gtt', version: 1 });
    expect(allowedActions(state)).toEqual(['submit', 'withdraw']);
  });

  it('goes the whole way: soumise, COTECH, COPIL, Bureau, en œuvre, évaluations, clôture', () => {
    let state = run(initialState(), submit());
    expect(state.stage).toBe('soumise');
    expect(pendingStep(state)).toMatchObject({ instanceKind: 'cotech', version: 1 });

    state = run(state, avis('favorable', 'Bien construite'));
    expect(state.stage).toBe('attente_copil');
    expect(state.review?.avis).toMatchObject({
      outcome: 'favorable',
      by: cotechSecretary.email,
      comment: 'Bien construite',
    });
    expect(pendingStep(state)).toMatchObject({ instanceKind: 'copil', missingPartnerOpinions: ['caf', 'msa'] });

    state = run(state, opinion('caf'), opinion('msa', 'reserve', 'Préciser le cofinancement'));
    expect(state.review?.partnerOpinions).toMatchObject({
      caf: { opinion: 'favorable' },
      msa: { opinion: 'reserve', comment: 'Préciser le cofinancement' },
    });
    expect(pendingStep(state)).toStrictEqual({
      instanceKind: 'copil',
      version: 1,
      what: 'le COPIL statue (adoptée, ajournée ou rejetée) sur la version 1',
    });

    state = run(state, copil('adoptee'));
    expect(state.stage).toBe('attente_bureau');
    expect(pendingStep(state)).toMatchObject({ instanceKind: 'bureau_communautaire' });

    // The Bureau's validation puts the fiche en œuvre at once.
    state = run(state, bureau('validee'));
    expect(state).toMatchObject({ stage: 'en_oeuvre', versionInForce: 1, latestVersion: 1, review: null });
    expect(pendingStep(state)).toBeNull();
    expect(allowedActions(state)).toEqual(['requestAmendment', 'recordEvaluation', 'close']);

    state = run(state, evaluate(2025), close());
    expect(state.stage).toBe('cloturee');
    expect(state.versionInForce).toBe(1);
    expect(allowedActions(state)).toEqual([]);
    expect(pendingStep(state)).toBeNull();
    expect(state.history.map((entry) => [entry.action, entry.outcome ?? null, entry.version])).toEqual([
      ['submit', null, 1],
      ['recordAvis', 'favorable', 1],
      ['recordPartnerOpinion', 'favorable', 1],
      ['recordPartnerOpinion', 'reserve', 1],
      ['recordCopilDecision', 'adoptee', 1],
      ['recordBureauValidation', 'validee', 1],
      ['recordEvaluation', null, 1],
      ['close', null, 1],
    ]);
    expect(state.history.at(-1)).toMatchObject({ by: cooperateur.email, comment: 'Action menée à son terme' });
  });

  it('sends a version « à retravailler » back to the GTT with the comment, then takes it again', () => {
    let state = run(initialState(), submit(), avis('a_retravailler', 'Préciser le public visé'));
    expect(state.stage).toBe('brouillon');
    expect(state.review).toMatchObject({
      version: 1,
      stage: 'brouillon',
      comments: [{ from: 'cotech', outcome: 'a_retravailler', text: 'Préciser le public visé' }],
    });
    expect(state.review).not.toHaveProperty('avis');
    expect(pendingStep(state)).toMatchObject({ instanceKind: 'gtt' });

    state = run(state, submit(), avis('favorable'));
    expect(state.stage).toBe('attente_copil');
    expect(state.review?.comments).toHaveLength(1);
    expect(state.latestVersion).toBe(1);
  });

  it('takes an avis défavorable to the COPIL all the same: the COTECH only advises', () => {
    const state = run(
      initialState(),
      submit(),
      avis('defavorable', 'Doublon avec la fiche 2.3'),
      ...bothOpinions,
      copil('adoptee'),
    );
    expect(state.stage).toBe('attente_bureau');
    expect(state.review?.avis).toMatchObject({ outcome: 'defavorable', comment: 'Doublon avec la fiche 2.3' });
  });

  it('keeps an adjourned version for the next COPIL, twice, then adopts it', () => {
    let state = run(
      initialState(),
      ...toCopil,
      ...bothOpinions,
      copil('ajournee', 'Attendre le budget 2026'),
      copil('ajournee'),
    );
    expect(state.stage).toBe('attente_copil');
    expect(state.review).toMatchObject({
      adjournments: 2,
      comments: [{ from: 'copil', outcome: 'ajournee', text: 'Attendre le budget 2026' }],
    });
    expect(state.review?.partnerOpinions).toHaveProperty('caf');
    state = run(state, copil('adoptee'));
    expect(state.stage).toBe('attente_bureau');
    expect(state.review?.adjournments).toBe(2);
  });

  it('lets a partner restate its opinion before the COPIL decides: the latest stands', () => {
    const state = run(
      initialState(),
      ...toCopil,
      opinion('caf', 'reserve', 'Budget flou'),
      opinion('caf', 'favorable'),
    );
    expect(state.review?.partnerOpinions.caf).toMatchObject({ opinion: 'favorable' });
    expect(state.review?.partnerOpinions.caf).not.toHaveProperty('comment');
    expect(state.history).toHaveLength(4);
  });

  it('ends a first version rejected by the COPIL or refused by the Bureau', () => {
    expect(states.rejetee!()).toMatchObject({ stage: 'rejetee', versionInForce: null, review: null });
    expect(states.rejetee!().history.at(-1)).toMatchObject({ outcome: 'rejetee', comment: 'Hors du champ de la CTG' });
    expect(states.refusee!()).toMatchObject({ stage: 'refusee', versionInForce: null, review: null });
  });

  it.each(['brouillon', 'soumise', 'attente_copil', 'attente_bureau'])(
    'withdraws a first version at stage %s',
    (name) => {
      const state = run(states[name]!(), withdraw('Projet repris par la commune'));
      expect(state).toMatchObject({ stage: 'retiree', versionInForce: null, review: null });
      expect(state.history.at(-1)).toMatchObject({
        action: 'withdraw',
        version: 1,
        comment: 'Projet repris par la commune',
      });
      expect(allowedActions(state)).toEqual([]);
    },
  );

  it('reviews an amendment while the validated version stays in force, then puts it in force', () => {
    let state = run(inForce(), amend('Ajouter un second lieu d’accueil'));
    expect(state).toMatchObject({ stage: 'en_oeuvre', versionInForce: 1, latestVersion: 2 });
    expect(state.review).toMatchObject({
      version: 2,
      stage: 'brouillon',
      amendmentSummary: 'Ajouter un second lieu d’accueil',
    });
    expect(pendingStep(state)).toMatchObject({
      instanceKind: 'gtt',
      version: 2,
      what: 'le GTT rédige la version 2 (avenant) et la soumet',
    });

    state = run(state, submit(), avis('favorable'), evaluate(2025));
    expect(state.stage).toBe('en_oeuvre');
    expect(state.review?.stage).toBe('attente_copil');
    expect(state.evaluations).toMatchObject([{ year: 2025, version: 1 }]);

    state = run(state, ...bothOpinions, copil('adoptee'), bureau('validee'));
    expect(state).toMatchObject({ stage: 'en_oeuvre', versionInForce: 2, latestVersion: 2, review: null });
    expect(state.history.at(-1)).toMatchObject({ action: 'recordBureauValidation', outcome: 'validee', version: 2 });
  });

  it('sends an amendment « à retravailler » back to the GTT, the fiche staying en œuvre', () => {
    const state = run(inForce(), amend(), submit(), avis('a_retravailler', 'Chiffrer le second lieu'));
    expect(state).toMatchObject({ stage: 'en_oeuvre', versionInForce: 1, review: { version: 2, stage: 'brouillon' } });
  });

  it.each([
    ['refused by the Bureau', [...toBureau, bureau('refusee', 'Pas de crédits')]],
    ['rejected by the COPIL', [...toCopil, ...bothOpinions, copil('rejetee', 'Inutile')]],
    ['withdrawn', [submit(), withdraw()]],
  ])('keeps the version in force when the amendment is %s, and numbers the next one after it', (_, steps) => {
    let state = run(inForce(), amend(), ...steps);
    expect(state).toMatchObject({ stage: 'en_oeuvre', versionInForce: 1, latestVersion: 2, review: null });
    state = run(state, amend());
    expect(state.review?.version).toBe(3);
  });

  it('records one évaluation a year, sorted by year, with its indicators', () => {
    const state = run(inForce(), evaluate(2025), {
      kind: 'recordEvaluation',
      actor: admin,
      year: 2024,
      summary: '  Première année  ',
      indicators: [
        { label: 'Familles accueillies', value: 42, target: 50, unit: 'familles' },
        { label: 'Lieu ouvert', value: 'oui' },
      ],
    });
    expect(state.evaluations.map((evaluation) => evaluation.year)).toEqual([2024, 2025]);
    expect(state.evaluations[0]).toMatchObject({
      version: 1,
      summary: 'Première année',
      indicators: [
        { label: 'Familles accueillies', value: 42, target: 50, unit: 'familles' },
        { label: 'Lieu ouvert', value: 'oui' },
      ],
    });
    expect(state.evaluations[1]).not.toHaveProperty('indicators');
  });

  it('never changes the state it is given, and gives plain JSON back', () => {
    let state = deepFreeze(initialState());
    for (const action of [
      ...toCopil,
      ...bothOpinions,
      copil('ajournee'),
      copil('adoptee'),
      bureau('validee'),
      amend(),
      submit(),
      withdraw(),
      evaluate(2025),
      close(),
    ]) {
      check(state, action, charter, NOW);
      state = deepFreeze(apply(state, action, NOW));
      expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
    }
    expect(state.stage).toBe('cloturee');
  });

  it('lets every named state take exactly the actions listed for it', () => {
    for (const [name, make] of Object.entries(states)) {
      expect(allowedActions(make()), name).toEqual(ACTION_KINDS.filter((kind) => ADMITTED[name]!.includes(kind)));
    }
  });
});

describe('refused: wrong stage', () => {
  const cases = Object.keys(states).flatMap((name) =>
    ACTION_KINDS.filter((kind) => !ADMITTED[name]!.includes(kind)).map((kind) => [name, kind] as const),
  );

  it.each(cases)('at %s, %s', (name, kind) => {
    const error = domainError(() => check(states[name]!(), adminAction(kind), charter, NOW));
    expect(error.code).toBe('WRONG_STAGE');
  });

  it.each(Object.entries(ADMITTED).flatMap(([name, kinds]) => kinds.map((kind) => [name, kind] as const)))(
    'at %s, %s passes',
    (name, kind) => {
      expect(() => check(states[name]!(), adminAction(kind), charter, NOW)).not.toThrow();
    },
  );

  it('says why and what comes next', () => {
    expect(domainError(() => check(states.soumise!(), submit(), charter, NOW)).message).toBe(
      'La version 1 de la fiche attend l’avis du COTECH : seule une version en brouillon peut être soumise. ' +
        'Prochaine étape : le COTECH rend son avis (favorable, à retravailler ou défavorable) sur la version 1.',
    );
    expect(domainError(() => check(states.rejetee!(), submit(), charter, NOW)).message).toBe(
      'La fiche a été rejetée par le COPIL : elle n’admet plus aucune ' +
        'action ; pour reprendre le projet, rédigez une nouvelle fiche.',
    );
    expect(domainError(() => check(states.en_oeuvre!(), withdraw(), charter, NOW)).message).toBe(
      'La fiche est en œuvre (version 1 en vigueur) : une fiche ' +
        'validée ne se retire pas : pour y mettre fin, clôturez-la.',
    );
  });

  it('refuses a second amendment while one is under review', () => {
    const error = domainError(() => check(states['avenant soumis']!(), amend(), charter, NOW));
    expect(error.code).toBe('WRONG_STAGE');
    expect(error.message).toBe(
      'La fiche est en œuvre (version 1 en vigueur) et son avenant, version 2, attend l’avis du COTECH : ' +
        'un seul avenant à la fois : menez celui-ci à son terme ou retirez-le avant d’en demander un autre. ' +
        'Prochaine étape : le COTECH rend son avis (favorable, à ' +
        'retravailler ou défavorable) sur la version 2 (avenant).',
    );
  });

  it('refuses to close a fiche whose amendment is under review', () => {
    const error = domainError(() => check(states['avenant brouillon']!(), close(), charter, NOW));
    expect(error.code).toBe('WRONG_STAGE');
    expect(error.message).toContain('retirez d’abord l’avenant en cours');
  });
});

describe('refused: wrong role', () => {
  const decisions = [
    ['recordAvis', 'cotech', 'soumise'],
    ['recordCopilDecision', 'copil', 'attente_copil'],
    ['recordBureauValidation', 'bureau_communautaire', 'attente_bureau'],
  ] as const;
  const matrix = decisions.flatMap(([kind, instanceKind, stage]) =>
    MEMBER_ROLES.flatMap((role) => APP_ROLES.map((appRole) => [kind, instanceKind, stage, role, appRole] as const)),
  );

  it.each(matrix)('%s (%s, at %s) by a %s with app role %s', (kind, instanceKind, stage, role, appRole) => {
    const actor: Actor = { email: 'x@example.org', appRole, instanceRoles: { [instanceKind]: [role] } };
    const action = { ...adminAction(kind), actor } as Action;
    const allowed = appRole === 'admin' || (charter.decisionRecorders[instanceKind] ?? []).includes(role);
    const run = () => check(states[stage]!(), action, charter, NOW);
    if (allowed) expect(run).not.toThrow();
    else
      expect(domainError(run)).toMatchObject({
        code: 'ROLE_NOT_ALLOWED',
        field: `actor.instanceRoles.${instanceKind}`,
      });
  });

  it.each(decisions)('%s: roles in the other instances do not count', (kind, instanceKind, stage) => {
    const everywhere = Object.fromEntries(
      (
        [
          'bureau_communautaire',
          'copil',
          'cotech',
          'gtt',
          'groupe_elaboration',
          'conseil_communautaire',
        ] as InstanceKind[]
      )
        .filter((other) => other !== instanceKind)
        .map((other) => [other, [...MEMBER_ROLES] as MemberRole[]]),
    );
    const actor: Actor = { email: 'x@example.org', appRole: 'secretaire_instance', instanceRoles: everywhere };
    expect(
      domainError(() => check(states[stage]!(), { ...adminAction(kind), actor } as Action, charter, NOW)).code,
    ).toBe('ROLE_NOT_ALLOWED');
  });

  it('names who may record the decision', () => {
    const actor: Actor = { email: 'x@example.org', appRole: 'membre', instanceRoles: { copil: ['elu'] } };
    expect(
      domainError(() => check(states.attente_copil!(), { ...copil('adoptee'), actor } as Action, charter, NOW)).message,
    ).toBe(
      'Seul un secrétaire ou un président du COPIL (ou un administrateur) ' +
        'peut enregistrer la décision du COPIL : demandez-le à l’un d’eux.',
    );
  });

  it('refuses even an admin when the charter gives an instance no decisions to record', () => {
    const withoutCopil: Charter = {
      ...charter,
      decisionRecorders: { cotech: ['secretaire'], bureau_communautaire: ['secretaire'] },
    };
    const state = states.attente_copil!();
    const error = domainError(() => check(state, adminAction('recordCopilDecision'), withoutCopil, NOW));
    expect(error.code).toBe('ROLE_NOT_ALLOWED');
    expect(error.message).toContain('compléter la charte');
    expect(allowedActions(state, withoutCopil)).not.toContain('recordCopilDecision');
  });

  const cooperatorActions = [
    ['submit', 'brouillon'],
    ['withdraw', 'brouillon'],
    ['withdraw', 'avenant attente_bureau'],
    ['requestAmendment', 'en_oeuvre'],
    ['recordEvaluation', 'en_oeuvre'],
    ['close', 'en_oeuvre'],
  ] as const;
  it.each(cooperatorActions.flatMap(([kind, stage]) => APP_ROLES.map((appRole) => [kind, stage, appRole] as const)))(
    '%s at %s by app role %s',
    (kind, stage, appRole) => {
      // Even the decision recorders of every instance: these actions belong to the coopérateurs.
      const actor: Actor = {
        email: 'x@example.org',
        appRole,
        instanceRoles: { cotech: ['secretaire'], copil: ['president'] },
        structureKind: 'caf',
      };
      const run = () => check(states[stage]!(), { ...adminAction(kind), actor } as Action, charter, NOW);
      if (appRole === 'cooperateur' || appRole === 'admin') expect(run).not.toThrow();
      else expect(domainError(run)).toMatchObject({ code: 'ROLE_NOT_ALLOWED', field: 'actor.appRole' });
    },
  );

  const partnerMatrix = (['caf', 'msa'] as const).flatMap((partner) =>
    STRUCTURE_KINDS.flatMap((structureKind) =>
      (['partenaire', 'membre', 'admin'] as AppRole[]).map((appRole) => [partner, structureKind, appRole] as const),
    ),
  );
  it.each(partnerMatrix)(
    'the %s opinion, by someone of a %s structure with app role %s',
    (partner, structureKind, appRole) => {
      const actor: Actor = {
        email: 'x@example.org',
        appRole,
        instanceRoles: { copil: ['president', 'secretaire'] },
        structureKind,
      };
      const run = () =>
        check(
          states.attente_copil!(),
          { kind: 'recordPartnerOpinion', actor, partner, opinion: 'favorable' },
          charter,
          NOW,
        );
      if (structureKind === partner || appRole === 'admin') expect(run).not.toThrow();
      else expect(domainError(run)).toMatchObject({ code: 'ROLE_NOT_ALLOWED', field: 'actor.structureKind' });
    },
  );

  it('refuses a partner opinion from someone who names no structure', () => {
    const actor: Actor = { email: 'x@example.org', appRole: 'partenaire', instanceRoles: {} };
    expect(
      domainError(() =>
        check(
          states.attente_copil!(),
          { kind: 'recordPartnerOpinion', actor, partner: 'msa', opinion: 'favorable' },
          charter,
          NOW,
        ),
      ).message,
    ).toBe(
      'Seul un représentant de la MSA (ou un administrateur) peut enregistrer l’avis de la MSA : demandez-le à la MSA.',
    );
  });
});

describe('refused: partner opinions missing', () => {
  const recorded = [
    ['none', []],
    ['only the CAF’s', [opinion('caf')]],
    ['only the MSA’s', [opinion('msa')]],
  ] as const;
  const outcomes = [copil('adoptee'), copil('ajournee'), copil('rejetee', 'Non')];

  it.each(recorded.flatMap(([label, given]) => outcomes.map((decision) => [label, given, decision] as const)))(
    'with %s, the COPIL cannot record %o',
    (_, given, decision) => {
      const state = run(initialState(), ...toCopil, ...given);
      const error = domainError(() => check(state, decision, charter, NOW));
      expect(error.code).toBe('PARTNER_OPINIONS_MISSING');
      expect(allowedActions(state)).not.toContain('recordCopilDecision');
      expect(pendingStep(state)?.missingPartnerOpinions).toEqual(
        ['caf', 'msa'].filter((partner) => !given.some((action) => 'partner' in action && action.partner === partner)),
      );
    },
  );

  it('says which opinion is missing', () => {
    const state = run(initialState(), ...toCopil, opinion('caf'));
    expect(domainError(() => check(state, copil('adoptee'), charter, NOW)).message).toBe(
      'Le COPIL statue sur la version 1 au vu des avis de la CAF et de la MSA, et celui de ' +
        'la MSA manque : faites-le enregistrer d’abord ; la fiche reste en attente du COPIL.',
    );
    expect(pendingStep(state)?.what).toBe(
      'le COPIL statue (adoptée, ajournée ou rejetée) sur la version 1, une fois enregistré l’avis de la MSA',
    );
    expect(domainError(() => check(run(initialState(), ...toCopil), copil('adoptee'), charter, NOW)).message).toBe(
      'Le COPIL statue sur la version 1 au vu des avis de la CAF et de la MSA, et ils manquent ' +
        'tous deux : faites-les enregistrer d’abord ; la fiche reste en attente du COPIL.',
    );
  });

  it('asks again for the opinions of an amendment, whatever was said of the version in force', () => {
    const state = run(inForce(), amend(), ...toCopil);
    expect(domainError(() => check(state, copil('adoptee'), charter, NOW)).code).toBe('PARTNER_OPINIONS_MISSING');
  });
});

describe('refused: évaluations', () => {
  it('refuses a year already evaluated', () => {
    const state = run(inForce(), evaluate(2024));
    expect(domainError(() => check(state, evaluate(2024), charter, NOW))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'year',
      message: 'L’évaluation de 2024 est déjà enregistrée : une seule par année ; indiquez une autre année.',
    });
  });

  it('refuses a year still to come', () => {
    expect(domainError(() => check(inForce(), evaluate(2026), charter, NOW))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'year',
    });
    expect(() => check(inForce(), evaluate(2025), charter, NOW)).not.toThrow();
  });
});

describe('refused: bad input', () => {
  const actor = { email: 'Coop@Example.org', appRole: 'cooperateur' };

  it('normalises a valid action', () => {
    expect(
      parseAction({
        kind: 'recordAvis',
        actor: { ...actor, instanceRoles: { cotech: ['secretaire'] } },
        outcome: 'favorable',
        comment: '  Bien  ',
      }),
    ).toStrictEqual({
      kind: 'recordAvis',
      actor: { email: 'coop@example.org', appRole: 'cooperateur', instanceRoles: { cotech: ['secretaire'] } },
      outcome: 'favorable',
      comment: 'Bien',
    });
    expect(actionSchemas().submit.parse({ kind: 'submit', actor })).toStrictEqual({
      kind: 'submit',
      actor: { email: 'coop@example.org', appRole: 'cooperateur', instanceRoles: {} },
    });
  });

  it.each([
    [null, ''],
    [{ kind: 'publish', actor }, 'kind'],
    [{ actor }, 'kind'],
    [{ kind: 'submit' }, 'actor'],
    [{ kind: 'submit', actor: { email: 'nope', appRole: 'cooperateur' } }, 'actor.email'],
    [{ kind: 'submit', actor: { email: 'a@example.org', appRole: 'maire' } }, 'actor.appRole'],
    [{ kind: 'submit', actor: { ...actor, instanceRoles: { cotch: ['secretaire'] } } }, 'actor.instanceRoles'],
    [{ kind: 'submit', actor: { ...actor, instanceRoles: { cotech: ['greffier'] } } }, 'actor.instanceRoles.cotech.0'],
    [{ kind: 'submit', actor: { ...actor, structureKind: 'cpam' } }, 'actor.structureKind'],
    [{ kind: 'submit', actor, extra: 1 }, ''],
    [{ kind: 'recordAvis', actor, outcome: 'oui' }, 'outcome'],
    [{ kind: 'recordAvis', actor, outcome: 'a_retravailler' }, 'comment'],
    [{ kind: 'recordAvis', actor, outcome: 'defavorable', comment: '   ' }, 'comment'],
    [{ kind: 'recordAvis', actor, outcome: 'favorable', comment: 12 }, 'comment'],
    [{ kind: 'recordAvis', actor, outcome: 'favorable', comment: 'x'.repeat(5001) }, 'comment'],
    [{ kind: 'recordPartnerOpinion', actor, partner: 'cpam', opinion: 'favorable' }, 'partner'],
    [{ kind: 'recordPartnerOpinion', actor, partner: 'caf', opinion: 'bof' }, 'opinion'],
    [{ kind: 'recordPartnerOpinion', actor, partner: 'caf', opinion: 'reserve' }, 'comment'],
    [{ kind: 'recordCopilDecision', actor, outcome: 'validee' }, 'outcome'],
    [{ kind: 'recordCopilDecision', actor, outcome: 'rejetee' }, 'comment'],
    [{ kind: 'recordBureauValidation', actor, outcome: 'adoptee' }, 'outcome'],
    [{ kind: 'recordBureauValidation', actor, outcome: 'refusee' }, 'comment'],
    [{ kind: 'requestAmendment', actor }, 'summary'],
    [{ kind: 'requestAmendment', actor, summary: ' ' }, 'summary'],
    [{ kind: 'withdraw', actor, reason: '' }, 'reason'],
    [{ kind: 'withdraw', actor, reason: 'x'.repeat(2001) }, 'reason'],
    [{ kind: 'recordEvaluation', actor, summary: 'Bilan' }, 'year'],
    [{ kind: 'recordEvaluation', actor, year: 2024.5, summary: 'Bilan' }, 'year'],
    [{ kind: 'recordEvaluation', actor, year: 1999, summary: 'Bilan' }, 'year'],
    [{ kind: 'recordEvaluation', actor, year: 2024 }, 'summary'],
    [
      { kind: 'recordEvaluation', actor, year: 2024, summary: 'Bilan', indicators: [{ label: '', value: 1 }] },
      'indicators.0.label',
    ],
    [
      { kind: 'recordEvaluation', actor, year: 2024, summary: 'Bilan', indicators: [{ label: 'Taux', value: true }] },
      'indicators.0.value',
    ],
    [{ kind: 'close', actor }, 'reason'],
  ])('refuses %j, naming the field %j', (input, field) => {
    const error = domainError(() => parseAction(input));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field ?? '').toBe(field);
    const kind = (input as { kind?: unknown } | null)?.kind;
    if (typeof kind === 'string' && Object.hasOwn(actionSchemas(), kind)) {
      expect(actionSchemas()[kind as ActionKind].safeParse(input).success).toBe(false);
    }
  });

  it.each([
    [null, 'L’action doit être un objet JSON.'],
    [
      { kind: 'publish', actor },
      '« kind » doit nommer l’action, l’une de : submit, recordAvis, recordPartnerOpinion, ' +
        'recordCopilDecision, recordBureauValidation, requestAmendment, withdraw, recordEvaluation, close.',
    ],
    [{ kind: 'submit' }, 'Indiquez qui agit (« actor ») : un objet avec au moins email et appRole.'],
    [
      { kind: 'recordAvis', actor, outcome: 'oui' },
      'L’avis du COTECH (« outcome ») doit être l’une des valeurs : favorable, a_retravailler, defavorable.',
    ],
    [
      { kind: 'recordAvis', actor, outcome: 'a_retravailler' },
      'Un avis « à retravailler » ou « défavorable » dit pourquoi, au GTT et au COPIL : ajoutez un commentaire.',
    ],
    [{ kind: 'withdraw', actor }, 'Dites pourquoi la fiche est retirée (« reason ») : le motif est obligatoire.'],
    [
      { kind: 'recordEvaluation', actor, year: 1999, summary: 'Bilan' },
      'L’année évaluée doit être comprise entre 2000 et 2100.',
    ],
    [
      { kind: 'submit', actor, extra: 1 },
      'L’action contient un champ inconnu : extra. Retirez-le ou corrigez son orthographe.',
    ],
  ])('explains %j in French', (input, message) => {
    expect(domainError(() => parseAction(input)).message).toBe(message);
  });

  it('reports every problem at once', () => {
    const error = domainError(() =>
      parseAction({ kind: 'recordAvis', actor: { email: 'nope', appRole: 'maire' }, outcome: 'a_retravailler' }),
    );
    expect(error.issues?.map((issue) => issue.field)).toEqual(['actor.email', 'actor.appRole', 'comment']);
  });

  it('has check refuse a malformed action built in code, before looking at the stage', () => {
    const action = { kind: 'recordAvis', actor: cotechSecretary, outcome: 'a_retravailler' } as Action;
    expect(domainError(() => check(states.soumise!(), action, charter, NOW))).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'comment',
    });
  });
});

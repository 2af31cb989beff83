import { describe, expect, it } from 'vitest';
import { REFERENCE_CHARTER } from '../../domain/charter.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import {
  DEFAULT_PLAN_TIMING,
  applyPlanAction,
  checkPlanAction,
  initialPlanLifecycle,
  parsePlanAction,
  planActionsOpenTo,
  planPeriodOf,
  planReminderAt,
  planWaitingFor,
  type PlanAction,
  type PlanLifecycle,
} from '../../domain/plan-actions.js';
import { buildPlanTree, planFicheCount, type PlanFiche } from '../../domain/plan-actions-tree.js';
import { composePlanNotice } from '../../documents/mail/notices/plan-notices.js';
import { domainError } from '../helpers/domain-error.js';

const cooperateur: Actor = { email: 'coop@example.org', appRole: 'cooperateur', instanceRoles: {} };
const membre: Actor = {
  email: 'membre@example.org',
  appRole: 'membre',
  instanceRoles: { groupe_elaboration: ['membre'] },
};
const bureauSecretary: Actor = {
  email: 'secretaire.bureau@example.org',
  appRole: 'secretaire_instance',
  instanceRoles: { bureau_communautaire: ['secretaire'] },
};
const conseilPresident: Actor = {
  email: 'president@example.org',
  appRole: 'membre',
  instanceRoles: { conseil_communautaire: ['president'] },
};
const T0 = '2024-01-08T09:00:00.000Z';

/** Takes the actions in turn, each checked first as the workflow's validator does. */
function run(actions: PlanAction[]): PlanLifecycle {
  return actions.reduce((state, action, i) => {
    checkPlanAction(state, action, REFERENCE_CHARTER);
    return applyPlanAction(state, action, `2024-0${i + 2}-01T09:00:00.000Z`);
  }, initialPlanLifecycle(T0));
}

describe('plan d’actions rules', () => {
  it('goes from élaboration to écriture, the Bureau, back to écriture when it asks, then to the conseil', () => {
    const state = run([
      { kind: 'finishElaboration', actor: cooperateur },
      { kind: 'submitToBureau', actor: cooperateur },
      { kind: 'recordBureauDecision', actor: bureauSecretary, outcome: 'a_reprendre', comment: 'Chiffrer E2.' },
      { kind: 'submitToBureau', actor: cooperateur },
      { kind: 'recordBureauDecision', actor: bureauSecretary, outcome: 'valide' },
      { kind: 'recordPresentation', actor: conseilPresident },
    ]);
    expect(state.stage).toBe('presentee');
    expect(state.history.map((h) => `${h.from}>${h.to}`)).toEqual([
      'elaboration>ecriture',
      'ecriture>attente_bureau',
      'attente_bureau>ecriture',
      'ecriture>attente_bureau',
      'attente_bureau>validee',
      'validee>presentee',
    ]);
    expect(state.history[2]).toMatchObject({
      by: bureauSecretary.email,
      outcome: 'a_reprendre',
      comment: 'Chiffrer E2.',
    });
    expect(state.since).toBe('2024-07-01T09:00:00.000Z');
  });

  it('refuses a step at the wrong stage, in French, naming both stages', () => {
    const error = domainError(() =>
      checkPlanAction(initialPlanLifecycle(T0), { kind: 'submitToBureau', actor: cooperateur }, REFERENCE_CHARTER),
    );
    expect(error.code).toBe('WRONG_STAGE');
    expect(error.message).toBe(
      'Le plan d’actions est en élaboration avec le groupe d’élaboration : on ne peut pas transmettre le plan ' +
        'd’actions au Bureau communautaire, ce qui se fait quand il est en écriture.',
    );
  });

  it('leaves the writing steps to the coopérateurs and the decisions to the bodies’ recorders by the charter', () => {
    const writing = domainError(() =>
      checkPlanAction(initialPlanLifecycle(T0), { kind: 'finishElaboration', actor: membre }, REFERENCE_CHARTER),
    );
    expect(writing.code).toBe('ROLE_NOT_ALLOWED');
    expect(writing.message).toMatch(/^Seul un coopérateur \(ou un administrateur\) peut clore l’élaboration/);
    const atBureau = run([
      { kind: 'finishElaboration', actor: cooperateur },
      { kind: 'submitToBureau', actor: cooperateur },
    ]);
    const decision = domainError(() =>
      checkPlanAction(
        atBureau,
        { kind: 'recordBureauDecision', actor: cooperateur, outcome: 'valide' },
        REFERENCE_CHARTER,
      ),
    );
    expect(decision.code).toBe('ROLE_NOT_ALLOWED');
    expect(decision.field).toBe('actor.instanceRoles.bureau_communautaire');
    expect(decision.message).toContain('Seul un secrétaire ou un président du Bureau communautaire');
    const admin: Actor = { email: 'admin@example.org', appRole: 'admin', instanceRoles: {} };
    expect(() =>
      checkPlanAction(atBureau, { kind: 'recordBureauDecision', actor: admin, outcome: 'valide' }, REFERENCE_CHARTER),
    ).not.toThrow();
  });

  it('offers each person the steps of the current stage they may take, and none once presented', () => {
    const admin: Actor = { email: 'admin@example.org', appRole: 'admin', instanceRoles: {} };
    const open = (state: PlanLifecycle, actor: Actor) => planActionsOpenTo(state, actor, REFERENCE_CHARTER);
    const start = initialPlanLifecycle(T0);
    expect(open(start, cooperateur)).toEqual(['finishElaboration']);
    expect(open(start, membre)).toEqual([]);
    expect(open(start, bureauSecretary)).toEqual([]);
    const atBureau = run([
      { kind: 'finishElaboration', actor: cooperateur },
      { kind: 'submitToBureau', actor: cooperateur },
    ]);
    expect(open(atBureau, cooperateur)).toEqual([]);
    expect(open(atBureau, bureauSecretary)).toEqual(['recordBureauDecision']);
    expect(open(atBureau, conseilPresident)).toEqual([]);
    expect(open(atBureau, admin)).toEqual(['recordBureauDecision']);
    const validated = applyPlanAction(
      atBureau,
      { kind: 'recordBureauDecision', actor: bureauSecretary, outcome: 'valide' },
      T0,
    );
    expect(open(validated, conseilPresident)).toEqual(['recordPresentation']);
    expect(open(validated, bureauSecretary)).toEqual([]);
    const presented = applyPlanAction(validated, { kind: 'recordPresentation', actor: conseilPresident }, T0);
    expect(open(presented, admin)).toEqual([]);
  });

  it('reads an action with French field errors: the Bureau’s outcome, and why it sends the plan back', () => {
    expect(domainError(() => parsePlanAction({ kind: 'recordBureauDecision', actor: cooperateur })).field).toBe(
      'outcome',
    );
    expect(
      domainError(() => parsePlanAction({ kind: 'recordBureauDecision', actor: cooperateur, outcome: 'a_reprendre' }))
        .message,
    ).toBe('Dites ce qui est à reprendre (« comment ») : les rédacteurs du plan le liront.');
    expect(
      domainError(() => parsePlanAction({ kind: 'finishElaboration', actor: cooperateur, outcome: 'valide' })).field,
    ).toBe('outcome');
    expect(domainError(() => parsePlanAction({ kind: 'sign', actor: cooperateur })).code).toBe('INVALID_INPUT');
  });

  it('waits for the groupe, the coordinators, the Bureau’s then the conseil’s recorders; nobody once presented', () => {
    expect(planWaitingFor('elaboration', REFERENCE_CHARTER)?.instanceKind).toBe('groupe_elaboration');
    expect(planWaitingFor('ecriture', REFERENCE_CHARTER)).toMatchObject({
      instanceKind: 'cotech',
      roles: ['charge_cooperation'],
    });
    expect(planWaitingFor('attente_bureau', REFERENCE_CHARTER)).toMatchObject({
      instanceKind: 'bureau_communautaire',
      roles: ['secretaire', 'president'],
    });
    expect(planWaitingFor('presentee', REFERENCE_CHARTER)).toBeNull();
  });

  it('reminds every 30 days at 09:00 Paris time, across the change to summer time', () => {
    const at = (n: number) => planReminderAt('2024-03-01T15:00:00.000Z', n, DEFAULT_PLAN_TIMING, 'Europe/Paris');
    expect(at(1).toISOString()).toBe('2024-03-31T07:00:00.000Z');
    expect(at(2).toISOString()).toBe('2024-04-30T07:00:00.000Z');
  });

  it('takes the convention’s years as the period unless others within them are given', () => {
    const convention = { startDate: '2023-01-01', endDate: '2027-12-31' };
    expect(planPeriodOf(undefined, convention)).toEqual({ startYear: 2023, endYear: 2027 });
    expect(planPeriodOf({ startYear: 2024, endYear: 2025 }, convention)).toEqual({ startYear: 2024, endYear: 2025 });
    expect(domainError(() => planPeriodOf({ startYear: 2022, endYear: 2025 }, convention)).message).toBe(
      'La période 2022-2025 sort de celle de la convention (2023-2027).',
    );
  });
});

describe('buildPlanTree', () => {
  const enjeux = [
    {
      code: 'E1',
      title: 'Piloter et valoriser la coopération',
      objectifs: [
        {
          code: 'E1-OS1',
          title: 'Travailler collectivement',
          objectifs: [{ code: 'E1-OS1-OO1', title: 'Un comité des partenaires' }],
        },
        { code: 'E1-OS2', title: 'Travailler en inter-direction' },
      ],
    },
    { code: 'E2', title: 'Accompagner les parcours socio-éducatifs', objectifs: [] },
  ];
  const fiche = (code: string, enjeu: string | null, objectifs: string[], stage: PlanFiche['stage'] = 'en_oeuvre') => ({
    ficheId: `id-${code}`,
    code,
    title: `Action ${code}`,
    pilote: null,
    stage,
    enjeu,
    objectifs,
  });

  it('places a fiche under the most precise objectif it names, those without enjeu apart, withdrawn ones not', () => {
    const tree = buildPlanTree(enjeux, [
      fiche('FA-04', 'E1', ['E1-OS1-OO1', 'E1-OS2']),
      fiche('FA-01', 'E1', ['E1-OS1']),
      fiche('FA-02', 'E1', []),
      fiche('FA-03', 'E2', [], 'brouillon'),
      fiche('FA-05', null, []),
      fiche('FA-06', 'E1', ['E1-OS1'], 'retiree'),
    ]);
    const codes = (list: PlanFiche[]) => list.map((f) => f.code);
    const [e1, e2] = tree.enjeux;
    expect(codes(e1!.fiches)).toEqual(['FA-02']);
    expect(codes(e1!.strategiques[0]!.fiches)).toEqual(['FA-01']);
    expect(codes(e1!.strategiques[0]!.operationnels[0]!.fiches)).toEqual(['FA-04']);
    expect(codes(e1!.strategiques[1]!.fiches)).toEqual(['FA-04']);
    expect(codes(e2!.fiches)).toEqual(['FA-03']);
    expect(codes(tree.unplaced)).toEqual(['FA-05']);
    expect(planFicheCount(tree)).toBe(5);
  });
});

describe('plan notices', () => {
  it('words a step and a reminder in French, with the plan’s page', () => {
    const step = composePlanNotice({
      topic: 'plan',
      kind: 'plan-step',
      period: '2023-2027',
      pageUrl: 'https://concerto.example.org/plan-actions',
      action: 'recordBureauDecision',
      stage: 'ecriture',
      by: 'secretaire.bureau@example.org',
      outcome: 'a_reprendre',
      comment: 'Chiffrer E2.',
      next: 'Prochaine étape : reprendre l’écriture.',
    });
    expect(step.subject).toBe('Plan d’actions 2023-2027 — Décision du Bureau communautaire : à reprendre');
    expect(step.text).toContain('Le plan d’actions 2023-2027 est désormais en écriture.');
    expect(step.text).toContain('Commentaire : Chiffrer E2.');
    expect(step.text).toContain('https://concerto.example.org/plan-actions');
    const reminder = composePlanNotice({
      topic: 'plan',
      kind: 'plan-reminder',
      period: '2023-2027',
      pageUrl: 'https://concerto.example.org/plan-actions',
      stage: 'attente_bureau',
      since: '2024-02-01T09:00:00.000Z',
      what: 'enregistrer sa décision',
      zone: 'Europe/Paris',
    });
    expect(reminder.subject).toBe(
      'Rappel : Plan d’actions 2023-2027, en attente de la validation du Bureau communautaire',
    );
    expect(reminder.text).toContain(
      'depuis le jeudi 1er février 2024. Ce qui vous est demandé : enregistrer sa décision.',
    );
  });
});

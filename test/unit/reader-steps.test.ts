import { describe, expect, it } from 'vitest';
import { REFERENCE_CHARTER } from '../../domain/charter.js';
import type { Action, Actor, LifecycleState } from '../../domain/lifecycle/model.js';
import { stepsOpenTo } from '../../domain/lifecycle/reader-steps.js';
import { apply, initialState } from '../../domain/lifecycle/transitions.js';

// Which forms a fiche's page shows its reader, and what it says the fiche waits for.

const AT = '2026-03-26T13:00:00.000Z';
const cooperateur: Actor = { email: 'coop@example.org', appRole: 'cooperateur', instanceRoles: {} };
const secretaire: Actor = {
  email: 'sec@example.org',
  appRole: 'secretaire_instance',
  instanceRoles: { cotech: ['secretaire'], copil: ['secretaire'] },
};
const caf: Actor = { email: 'caf@example.org', appRole: 'partenaire', instanceRoles: {}, structureKind: 'caf' };
const msa: Actor = { email: 'msa@example.org', appRole: 'partenaire', instanceRoles: {}, structureKind: 'msa' };
const membre: Actor = { email: 'm@example.org', appRole: 'membre', instanceRoles: { copil: ['membre'] } };

const after = (...actions: Action[]): LifecycleState =>
  actions.reduce((state, action) => apply(state, action, AT), initialState());
const submitted = after({ kind: 'submit', actor: cooperateur });
const awaitingCopil = after(
  { kind: 'submit', actor: cooperateur },
  { kind: 'recordAvis', actor: secretaire, outcome: 'favorable' },
  { kind: 'recordPartnerOpinion', actor: caf, partner: 'caf', opinion: 'favorable' },
);
const open = (state: LifecycleState, actor: Actor) => stepsOpenTo(state, actor, REFERENCE_CHARTER);

describe('stepsOpenTo', () => {
  it('gives a draft’s submission and withdrawal to a coopérateur, nothing to wait for', () => {
    expect(open(initialState(), cooperateur)).toEqual({
      steps: [{ kind: 'submit' }, { kind: 'withdraw' }],
      notice: null,
    });
  });

  it('gives the COTECH’s avis to its secretary only; the others are told what the fiche waits for', () => {
    expect(open(submitted, secretaire)).toEqual({ steps: [{ kind: 'recordAvis' }], notice: null });
    const waiting = 'En attente : le COTECH rend son avis (favorable, à retravailler ou défavorable) sur la version 1.';
    expect(open(submitted, cooperateur)).toEqual({ steps: [{ kind: 'withdraw' }], notice: waiting });
    expect(open(submitted, membre)).toEqual({ steps: [], notice: waiting });
  });

  it('gives each partner its own missing opinion, and names the one the COPIL still waits for', () => {
    expect(open(awaitingCopil, msa).steps).toEqual([{ kind: 'recordPartnerOpinion', partner: 'msa' }]);
    const cafView = open(awaitingCopil, caf);
    expect(cafView.steps).toEqual([]);
    expect(cafView.notice).toMatch(/une fois enregistré l’avis de la MSA\.$/);
    // The COPIL decides once both opinions are in: not yet.
    expect(open(awaitingCopil, secretaire).steps).toEqual([]);
  });

  it('says a fiche that has ended admits no step', () => {
    const withdrawn = after({ kind: 'withdraw', actor: cooperateur, reason: 'Repris par la commune.' });
    expect(open(withdrawn, cooperateur)).toEqual({
      steps: [],
      notice: 'La fiche a été retirée : elle n’admet plus aucune étape.',
    });
  });
});

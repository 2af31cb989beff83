import { describe, expect, it } from 'vitest';
import { REFERENCE_CHARTER, type Charter } from '../../domain/charter.js';
import { noticesFor } from '../../domain/fiche-notices.js';
import type { Action, LifecycleState } from '../../domain/lifecycle/model.js';
import { apply, initialState } from '../../domain/lifecycle/transitions.js';

const actor = { email: 'admin@example.org', appRole: 'admin' as const, instanceRoles: {} };
const ref = { code: 'FA-2026-01', title: 'Ludothèque itinérante' };

/** Who each notice of `action` goes to, by its step. */
function audiences(state: LifecycleState, action: Action, charter: Pick<Charter, 'decisionRecorders'>) {
  const after = apply(state, action, '2026-03-02T09:00:00.000Z');
  return Object.fromEntries(noticesFor(action, state, after, ref, charter).map((n) => [n.step, n.audience]));
}

describe('who a fiche’s notices go to', () => {
  const submitted = apply(initialState(), { kind: 'submit', actor }, '2026-03-01T09:00:00.000Z');

  it('tells a body a fiche reaches through those who record its decisions, its GTT of each step', () => {
    expect(audiences(initialState(), { kind: 'submit', actor }, REFERENCE_CHARTER)).toEqual({
      soumission: { kind: 'role', instanceKind: 'cotech', roles: ['secretaire'] },
      'soumission-auteur': { kind: 'author' },
    });
    expect(audiences(submitted, { kind: 'recordAvis', actor, outcome: 'favorable' }, REFERENCE_CHARTER)).toEqual({
      'avis-cotech': { kind: 'author' },
      'avis-cotech-gtt': { kind: 'gtt' },
      'transmission-copil': { kind: 'role', instanceKind: 'copil', roles: ['secretaire', 'president'] },
    });
  });

  it('follows the convention’s charter, and falls back on the secretary where it names nobody', () => {
    const charter = { decisionRecorders: { copil: ['vice_president' as const] } };
    expect(audiences(initialState(), { kind: 'submit', actor }, charter).soumission).toEqual({
      kind: 'role',
      instanceKind: 'cotech',
      roles: ['secretaire'],
    });
    expect(
      audiences(submitted, { kind: 'recordAvis', actor, outcome: 'defavorable' }, charter)['transmission-copil'],
    ).toEqual({ kind: 'role', instanceKind: 'copil', roles: ['vice_president'] });
  });
});

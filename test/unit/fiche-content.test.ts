import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors.js';
import {
  assertMayEditContent,
  changesSince,
  diffContents,
  editableVersion,
  parseContentEdit,
  type FicheContent,
} from '../../domain/fiche-content.js';
import type { Actor, LifecycleState } from '../../domain/lifecycle/model.js';
import { apply, initialState } from '../../domain/lifecycle/transitions.js';

const actor = (email: string, appRole: Actor['appRole']): Actor => ({ email, appRole, instanceRoles: {} });
const cooperateur = actor('coop@example.org', 'cooperateur');
const AT = '2025-01-06T10:00:00.000Z';

const EMPTY: FicheContent = {
  title: 'Ludothèque',
  enjeu: null,
  objectifs: [],
  pilote: null,
  partenaires: [],
  publicVise: null,
  secteur: null,
  calendrier: null,
  budget: [],
  indicateurs: [],
};

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('fiche content rules', () => {
  it('normalises an edit: trimmed texts, blank texts cleared, e-mail lower-cased', () => {
    expect(parseContentEdit({ title: '  Ludothèque ', secteur: '   ', pilote: 'Pilote@Example.ORG' })).toEqual({
      title: 'Ludothèque',
      secteur: null,
      pilote: 'pilote@example.org',
    });
  });

  it('refuses an empty edit, an unknown field and a wrong budget line, naming each field', () => {
    expect(refusal(() => parseContentEdit({})).message).toContain('Rien à modifier');
    expect(refusal(() => parseContentEdit({ titre: 'x' })).message).toContain('Champ inconnu : titre');
    const error = (() => {
      try {
        parseContentEdit({ budget: [{ label: '', amount: 'douze' }] });
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.issues?.map((i) => i.field)).toEqual(['budget.0.label', 'budget.0.amount']);
  });

  it('lets the draft of a new fiche and of an amendment be written, nothing under review or in force', () => {
    const draft = initialState();
    expect(editableVersion(draft)).toBe(1);
    const submitted = apply(draft, { kind: 'submit', actor: cooperateur }, AT);
    expect(editableVersion(submitted)).toBeNull();
    expect(
      refusal(() =>
        assertMayEditContent(cooperateur, { authorEmail: 'a@example.org', piloteEmail: null, lifecycle: submitted }),
      ).code,
    ).toBe('WRONG_STAGE');
    const inForce: LifecycleState = { ...draft, stage: 'en_oeuvre', versionInForce: 1, review: null };
    expect(
      refusal(() =>
        assertMayEditContent(cooperateur, { authorEmail: 'a@example.org', piloteEmail: null, lifecycle: inForce }),
      ).message,
    ).toContain('avenant');
    const amending = apply(inForce, { kind: 'requestAmendment', actor: cooperateur, summary: 'Nouveau public' }, AT);
    expect(editableVersion(amending)).toBe(2);
  });

  it('lets the author, the pilot, coopérateurs and admins write a draft, case aside', () => {
    const fiche = { authorEmail: 'Auteur@example.org', piloteEmail: 'pilote@example.org', lifecycle: initialState() };
    for (const who of [
      cooperateur,
      actor('x@example.org', 'admin'),
      actor('auteur@example.org', 'membre'),
      actor('PILOTE@example.org', 'partenaire'),
    ]) {
      expect(assertMayEditContent(who, fiche)).toBe(1);
    }
    expect(refusal(() => assertMayEditContent(actor('autre@example.org', 'secretaire_instance'), fiche)).code).toBe(
      'ROLE_NOT_ALLOWED',
    );
  });

  it('tells what changed between two versions, field by field in the fiche’s order, for people', () => {
    const after: FicheContent = {
      ...EMPTY,
      secteur: 'Mellois',
      budget: [{ label: 'Animation', amount: 12000.5, financeur: 'CAF' }],
      indicateurs: [{ label: 'Familles', target: 200, unit: 'familles' }],
    };
    expect(diffContents(EMPTY, after)).toEqual([
      { field: 'secteur', label: 'Territoire / secteur', before: '—', after: 'Mellois' },
      { field: 'budget', label: 'Budget et financeurs', before: '—', after: 'Animation : 12\u202f000,5 € (CAF)' },
      { field: 'indicateurs', label: 'Indicateurs d’évaluation', before: '—', after: 'Familles — cible 200 familles' },
    ]);
    expect(diffContents(after, { ...after })).toEqual([]);
  });
});

describe('changesSince', () => {
  const change = (field: 'title' | 'secteur', before: string, after: string) => ({
    field,
    label: field === 'title' ? 'Titre' : 'Territoire / secteur',
    before,
    after,
  });
  const edits = [
    { at: '2025-01-06T09:00:00.000Z', version: 1, changes: [change('title', 'A', 'B')] },
    {
      at: '2025-01-07T09:00:00.000Z',
      version: 1,
      changes: [change('secteur', '—', 'Nord'), change('title', 'B', 'C')],
    },
    {
      at: '2025-01-08T09:00:00.000Z',
      version: 1,
      changes: [change('title', 'C', 'D'), change('secteur', 'Nord', '—')],
    },
    { at: '2025-01-09T09:00:00.000Z', version: 2, changes: [change('title', 'D', 'E')] },
  ];

  it('gives each field as the body saw it and as it is now, in the fiche’s order, for that version only', () => {
    // Seen on the 6th at 10 h: the title was B; the secteur was set and cleared since.
    expect(changesSince(edits, 1, AT)).toEqual([change('title', 'B', 'D')]);
    expect(changesSince(edits, 1, '2025-01-01T00:00:00.000Z')).toEqual([change('title', 'A', 'D')]);
    expect(changesSince(edits, 1, '2025-01-08T09:00:00.000Z')).toEqual([]);
    expect(changesSince(edits, 2, AT)).toEqual([change('title', 'D', 'E')]);
  });
});

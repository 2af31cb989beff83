import { describe, expect, it } from 'vitest';
import { fichePage, type FichePageView } from '../../server/pages/fiche-page.js';

// The fiche page's pure rendering: the versions' side-by-side view and what it says when a body
// has already read the version.

const view = (sinceSeen: FichePageView['sinceSeen']): FichePageView => ({
  fiche: {
    id: 'f1',
    code: 'FA-2026-1',
    status: 'brouillon',
    authorEmail: 'auteur@example.org',
    workflowId: null,
    conventionId: 'c1',
    gtt: null,
    decisions: [],
  },
  versions: [],
  timeline: [],
  steps: { steps: [], notice: 'En attente : le GTT rédige la version 1 et la soumet.', agenda: null },
  stepFailure: null,
  evaluations: null,
  contentForm: null,
  sinceSeen,
  done: null,
  refused: null,
});

describe('the fiche page', () => {
  it('puts what changed since the body read the version side by side', () => {
    const html = fichePage(
      view({
        by: 'COTECH',
        at: new Date('2026-03-26T13:00:00Z'),
        changes: [{ field: 'secteur', label: 'Territoire / secteur', before: '—', after: 'Nord' }],
      }),
      null,
    );
    expect(html).toContain('<caption>Ce qui a changé depuis que COTECH l’a examinée le jeudi 26 mars 2026');
    expect(html).toContain(
      '<th scope="col">Ce qu’elle a lu</th><th scope="col">Maintenant</th></tr></thead><tbody><tr>' +
        '<th scope="row">Territoire / secteur</th><td><del>—</del></td><td><ins>Nord</ins></td></tr>',
    );
    expect(html).toContain('<p class="waiting">En attente : le GTT rédige la version 1 et la soumet.</p>');
  });

  it('says when nothing changed since, and says nothing when no body has read it', () => {
    expect(fichePage(view({ by: 'COTECH', at: new Date('2026-03-26T13:00:00Z'), changes: [] }), null)).toMatch(
      /<p>Aucun changement depuis que COTECH l’a examinée le jeudi 26 mars 2026[^<]*\.<\/p>/,
    );
    expect(fichePage(view(null), null)).not.toContain('examinée');
  });
});

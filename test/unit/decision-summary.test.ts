import { describe, expect, it } from 'vitest';
import { decisionSummary } from '../../domain/decision-summary.js';
import { readFreeItemRows } from '../../server/pages/meeting-agenda.js';

describe('the relevé de décisions', () => {
  it('follows the ordre du jour: fiche decisions and free items, then decisions on fiches no longer on it', () => {
    const lines = decisionSummary(
      [
        { title: 'Locaux', ficheId: null, decisionText: 'Salle Jean-Moulin.' },
        { title: 'Fiche FA-1', ficheId: 'f1', decisionText: null },
        { title: 'Questions diverses', ficheId: null, decisionText: null },
      ],
      [
        { ficheId: 'f2', outcome: 'adoptee', comment: null, fiche: { code: 'FA-2' } },
        { ficheId: 'f1', outcome: 'favorable', comment: 'Clair.', fiche: { code: 'FA-1' } },
      ],
    );
    expect(lines).toEqual([
      { item: 'Locaux', outcome: 'Salle Jean-Moulin.' },
      { item: 'Fiche FA-1', outcome: 'favorable', comment: 'Clair.', ficheId: 'f1' },
      { item: 'Fiche FA-2', outcome: 'adoptée', ficheId: 'f2' },
    ]);
  });
});

describe('the convene form’s free items', () => {
  it('keeps the rows typed, ordered by rank (unranked last, in their order), renumbered', () => {
    const rows = readFreeItemRows({
      'point-0-titre': 'B',
      'point-0-rang': '2',
      'point-1-titre': '',
      'point-1-note': '',
      'point-1-rang': '1',
      'point-2-titre': 'C',
      'point-2-rang': '',
      'point-3-titre': 'A',
      'point-3-note': 'note',
      'point-3-rang': '1',
    });
    expect(rows).toEqual([
      { title: 'A', note: 'note', rank: '1' },
      { title: 'B', note: '', rank: '2' },
      { title: 'C', note: '', rank: '3' },
    ]);
  });
});

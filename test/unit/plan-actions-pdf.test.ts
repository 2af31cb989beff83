import { describe, expect, it } from 'vitest';
import { buildPlanTree } from '../../domain/plan-actions-tree.js';
import { renderPlanActionsPdf } from '../../documents/pdf/plan-actions-pdf.js';
import { pdfTextLines } from '../helpers/pdf-text.js';

describe('renderPlanActionsPdf', () => {
  const input = {
    conventionName: 'CTG Mellois en Poitou',
    territory: 'Communauté de communes Mellois en Poitou',
    period: '2023-2027',
    stageLabel: 'en attente de la validation du Bureau communautaire',
    zone: 'Europe/Paris',
    issuedAt: new Date('2024-03-01T08:00:00Z'),
    tree: buildPlanTree(
      [
        {
          code: 'E1',
          title: 'Piloter et valoriser la coopération',
          objectifs: [
            {
              code: 'E1-OS1',
              title: 'Travailler collectivement',
              objectifs: [{ code: 'E1-OS1-OO1', title: 'Réunir les partenaires chaque trimestre' }],
            },
          ],
        },
        {
          code: 'E3',
          title: 'Faciliter l’accessibilité aux droits et aux services',
          objectifs: [{ code: 'E3-OS1', title: 'Travailler à partir des différents diagnostics' }],
        },
      ],
      [
        {
          ficheId: '1',
          code: 'FA-2024-01',
          title: 'Comité des partenaires',
          pilote: 'Claire Martin',
          stage: 'en_oeuvre',
          enjeu: 'E1',
          objectifs: ['E1-OS1-OO1'],
        },
        {
          ficheId: '2',
          code: 'FA-2024-02',
          title: 'Guichet unique « œuvres sociales »',
          pilote: null,
          stage: 'soumise',
          enjeu: null,
          objectifs: [],
        },
      ],
    ),
  };

  it('reads as a plan reads: per enjeu its objectifs, each fiche with its code, title, pilote and stage', async () => {
    const text = pdfTextLines(await renderPlanActionsPdf(input)).join('\n');
    expect(text).toMatch(
      /^Plan d’actions 2023-2027\nCTG Mellois en Poitou\nCommunauté de communes Mellois en Poitou\n/,
    );
    expect(text).toContain('État du plan : en attente de la validation du Bureau communautaire');
    expect(text).toMatch(
      new RegExp(
        'Enjeu E1 — Piloter et valoriser la coopération\n' +
          'Objectif stratégique E1-OS1 — Travailler collectivement\n' +
          'Objectif opérationnel E1-OS1-OO1 — Réunir les partenaires chaque trimestre\n' +
          'FA-2024-01 — Comité des partenaires\n' +
          'Pilote : Claire Martin · Étape : en œuvre\n' +
          'Enjeu E3',
      ),
    );
    expect(text).toMatch(
      /Objectif stratégique E3-OS1 — Travailler à partir des différents diagnostics\nAucune fiche action/,
    );
    expect(text).toContain(
      'Fiches actions sans enjeu désigné\nFA-2024-02 — Guichet unique « œuvres sociales »\n' +
        'Pilote : à désigner · Étape : soumise, en attente de l’avis du COTECH',
    );
    expect(text).toMatch(/Document établi par Concerto le vendredi 1er mars 2024\.$/);
  });

  it('gives the same bytes for the same input', async () => {
    expect((await renderPlanActionsPdf(input)).equals(await renderPlanActionsPdf(input))).toBe(true);
  });
});

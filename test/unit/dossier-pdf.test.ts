import { describe, expect, it } from 'vitest';
import { renderDossierPdf } from '../../documents/pdf/dossier-pdf.js';
import { pdfTextLines } from '../helpers/pdf-text.js';

describe('renderDossierPdf', () => {
  it('holds the agenda with start times and durations, then each fiche’s content', async () => {
    const pdf = await renderDossierPdf({
      title: 'COTECH de mars',
      instanceName: 'Comité technique',
      startsAt: new Date('2026-03-26T13:00:00Z'),
      endsAt: new Date('2026-03-26T15:30:00Z'),
      zone: 'Europe/Paris',
      issuedAt: new Date('2026-03-01T08:00:00Z'),
      agenda: [
        { position: 1, title: 'Point d’information', durationMinutes: 20 },
        { position: 2, title: 'Fiche FA-2026-1 (version 2) : Accueil des familles', durationMinutes: 45 },
        { position: 3, title: 'Questions diverses', durationMinutes: null },
      ],
      fiches: [
        {
          code: 'FA-2026-1',
          version: 2,
          title: 'Accueil des familles',
          fields: [
            { label: 'Enjeu', value: 'E1' },
            { label: 'Budget et financeurs', value: 'Animation : 12 000 € (CAF)' },
          ],
        },
      ],
    });
    const text = pdfTextLines(pdf).join('\n');
    expect(text).toMatch(/1\.\n14 h 00 — Point d’information \(20 min\)/);
    expect(text).toMatch(/2\.\n14 h 20 — Fiche FA-2026-1 \(version 2\) : Accueil des familles \(45 min\)/);
    expect(text).toMatch(/3\.\n15 h 05 — Questions diverses/);
    expect(text).toMatch(/Fiche FA-2026-1 \(version 2\)\nAccueil des familles\nEnjeu\nE1\n/);
    expect(text).toMatch(/Budget et financeurs\nAnimation : 12 000 € \(CAF\)/);
  });
});

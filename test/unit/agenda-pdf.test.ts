/**
 * The agenda PDF, pinned by a golden file. After a deliberate change (or a pdfkit upgrade), write
 * it again with
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/agenda-pdf.test.ts
 * and look at the new file before committing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderAgendaPdf, winAnsi, type AgendaPdfInput } from '../../documents/pdf/agenda-pdf.js';
import { pdfTextLines } from '../helpers/pdf-text.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/pdf/ordre-du-jour.pdf', import.meta.url));

const INPUT: AgendaPdfInput = {
  title: 'COTECH de juin — « été »',
  instanceName: 'Comité technique (COTECH)',
  startsAt: new Date('2024-06-18T12:00:00Z'),
  endsAt: new Date('2024-06-18T15:00:00Z'),
  zone: 'Europe/Paris',
  location: 'Salle du conseil, Melle',
  visioUrl: 'https://visio.example.org/cotech',
  agenda: [
    { position: 2, title: 'Fiche FA-12 « Ludothèque itinérante » : avis sur l’œuvre commune' },
    { position: 1, title: 'Approbation du compte rendu' },
  ],
  issuedAt: new Date('2024-06-01T08:00:00Z'),
};

describe('renderAgendaPdf', () => {
  it('writes the same bytes for the same input, as the golden file holds them', async () => {
    const pdf = await renderAgendaPdf(INPUT);
    expect((await renderAgendaPdf(structuredClone(INPUT))).equals(pdf)).toBe(true);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, pdf);
    expect(pdf.equals(readFileSync(GOLDEN))).toBe(true);
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\n?$/);
  });

  it('dates the file from its input only', async () => {
    const pdf = await renderAgendaPdf(INPUT);
    const later = await renderAgendaPdf({ ...INPUT, issuedAt: new Date('2024-06-02T08:00:00Z') });
    expect(later.equals(pdf)).toBe(false);
    expect(pdf.toString('latin1')).toContain('(D:20240601080000Z)');
    expect(later.toString('latin1')).toContain('(D:20240602080000Z)');
  });

  it('shows the title, instance, date, place and the numbered points in order, accents intact', async () => {
    const lines = pdfTextLines(await renderAgendaPdf(INPUT));
    expect(lines).toEqual([
      'Ordre du jour',
      'COTECH de juin — « été »',
      'Comité technique (COTECH)',
      'Date : ',
      'mardi 18 juin 2024, de 14 h 00 à 17 h 00',
      'Lieu : ',
      'Salle du conseil, Melle',
      'Visioconférence : ',
      'https://visio.example.org/cotech',
      '1.',
      'Approbation du compte rendu',
      '2.',
      'Fiche FA-12 « Ludothèque itinérante » : avis sur l’œuvre commune',
      'Document établi par Concerto le samedi 1er juin 2024.',
    ]);
  });

  it('says so when there are no points yet, and keeps a long agenda readable across pages', async () => {
    expect(pdfTextLines(await renderAgendaPdf({ ...INPUT, agenda: [] }))).toContain(
      'L’ordre du jour sera communiqué prochainement.',
    );
    const agenda = Array.from({ length: 60 }, (_, i) => ({ position: i + 1, title: `Point ${i + 1}` }));
    const pdf = await renderAgendaPdf({ ...INPUT, agenda });
    expect(pdf.toString('latin1').match(/\/Type \/Page\n/g)!.length).toBeGreaterThan(1);
    const lines = pdfTextLines(pdf);
    for (const { position } of agenda) expect(lines).toContain(`Point ${position}`);
  });

  it('keeps what the standard fonts can show and replaces the rest', () => {
    expect(winAnsi('Élus « CAF » — œuvre, 5 €, l’été…')).toBe('Élus « CAF » — œuvre, 5 €, l’été…');
    expect(winAnsi('a\u202Fb\nc → d ≥ e 🎉')).toBe('a b c -> d >= e ?');
    expect(winAnsi('e\u0301')).toBe('é');
  });
});

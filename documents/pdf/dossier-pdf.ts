import { drawAgenda, renderPdf, textWidth, winAnsi, type AgendaPdfInput } from './agenda-pdf.js';

/** What the dossier de séance holds: the ordre du jour, then each fiche on it at its current version. */
export interface DossierPdfInput extends AgendaPdfInput {
  fiches: Array<{ code: string; version: number; title: string; fields: Array<{ label: string; value: string }> }>;
}

export const DOSSIER_PDF_FILENAME = 'dossier-de-seance.pdf';

/**
 * The dossier de séance as one A4 PDF: the ordre du jour's page, then a page per fiche with its
 * fields as the fiche's page reads them. Built from the data handed to it, the same bytes each time.
 */
export function renderDossierPdf(input: DossierPdfInput): Promise<Buffer> {
  return renderPdf(input, `Dossier de séance — ${input.title}`, (doc) => {
    drawAgenda(doc, input);
    for (const fiche of input.fiches) {
      doc.addPage();
      doc
        .font('Helvetica-Bold')
        .fontSize(16)
        .text(winAnsi(`Fiche ${fiche.code} (version ${fiche.version})`), { width: textWidth(doc) });
      doc
        .font('Helvetica-Bold')
        .fontSize(13)
        .text(winAnsi(fiche.title), { width: textWidth(doc) });
      doc.moveDown(1);
      for (const field of fiche.fields) {
        doc
          .font('Helvetica-Bold')
          .fontSize(11)
          .text(winAnsi(field.label), { width: textWidth(doc) });
        doc
          .font('Helvetica')
          .fontSize(11)
          .text(winAnsi(field.value), { width: textWidth(doc) });
        doc.moveDown(0.5);
      }
    }
  });
}

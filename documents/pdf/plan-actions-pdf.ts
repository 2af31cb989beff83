import { planFicheStageLabel, type PlanFiche, type PlanTree } from '../../domain/plan-actions-tree.js';
import { renderPdf, textWidth, winAnsi } from './agenda-pdf.js';

/** What the plan d'actions' document shows. */
export interface PlanActionsPdfInput {
  conventionName: string;
  territory: string;
  /** « 2023-2027 » */
  period: string;
  /** The plan's stage, in words (domain/plan-actions.ts PLAN_STAGE_LABELS). */
  stageLabel: string;
  tree: PlanTree;
  zone: string;
  /** When this version was issued: the PDF's CreationDate; the same input gives the same bytes. */
  issuedAt: Date;
}

export const PLAN_ACTIONS_PDF_FILENAME = 'plan-d-actions.pdf';

/**
 * The plan d'actions as an A4 PDF, read as one reads it: per enjeu its objectifs stratégiques,
 * under each its objectifs opérationnels, and under each the fiches actions with their code, title,
 * pilote and current stage. Standard Helvetica fonts, nothing embedded.
 */
export function renderPlanActionsPdf(input: PlanActionsPdfInput): Promise<Buffer> {
  const title = `Plan d’actions ${input.period}`;
  return renderPdf({ instanceName: input.conventionName, zone: input.zone, issuedAt: input.issuedAt }, title, (doc) => {
    const line = (text: string, font: string, size: number, indent = 0) =>
      doc
        .font(font)
        .fontSize(size)
        .text(winAnsi(text), doc.page.margins.left + indent, doc.y, { width: textWidth(doc) - indent });
    const fiches = (list: readonly PlanFiche[], indent: number, none: string) => {
      if (list.length === 0) line(none, 'Helvetica-Oblique', 10, indent);
      for (const fiche of list) {
        line(`${fiche.code} — ${fiche.title}`, 'Helvetica-Bold', 11, indent);
        line(
          `Pilote : ${fiche.pilote ?? 'à désigner'} · Étape : ${planFicheStageLabel(fiche.stage)}`,
          'Helvetica',
          10,
          indent,
        );
        doc.moveDown(0.3);
      }
    };

    line(title, 'Helvetica-Bold', 20);
    line(input.conventionName, 'Helvetica-Bold', 13);
    line(input.territory, 'Helvetica', 12);
    doc.moveDown(0.5);
    line(`État du plan : ${input.stageLabel}`, 'Helvetica', 11);
    for (const enjeu of input.tree.enjeux) {
      doc.moveDown(1);
      line(`Enjeu ${enjeu.code} — ${enjeu.title}`, 'Helvetica-Bold', 15);
      doc.moveDown(0.3);
      if (enjeu.fiches.length > 0) fiches(enjeu.fiches, 0, '');
      for (const os of enjeu.strategiques) {
        doc.moveDown(0.4);
        line(`Objectif stratégique ${os.code} — ${os.title}`, 'Helvetica-Bold', 12, 12);
        doc.moveDown(0.2);
        if (os.operationnels.length === 0 || os.fiches.length > 0)
          fiches(os.fiches, 24, 'Aucune fiche action pour cet objectif à ce jour.');
        for (const oo of os.operationnels) {
          line(`Objectif opérationnel ${oo.code} — ${oo.title}`, 'Helvetica-BoldOblique', 11, 24);
          doc.moveDown(0.2);
          fiches(oo.fiches, 36, 'Aucune fiche action pour cet objectif à ce jour.');
        }
      }
    }
    if (input.tree.unplaced.length > 0) {
      doc.moveDown(1);
      line('Fiches actions sans enjeu désigné', 'Helvetica-Bold', 15);
      doc.moveDown(0.3);
      fiches(input.tree.unplaced, 0, '');
    }
  });
}

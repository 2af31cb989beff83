import { DECISION_OUTCOME_LABELS } from './lifecycle/labels.js';

/** A line of the relevé de décisions: the item, what was decided, the comment. */
export interface SummaryLine {
  item: string;
  outcome: string;
  comment?: string;
  /** The fiche decided on, for a fiche's line. */
  ficheId?: string;
}

/**
 * The relevé de décisions of a meeting, in the order of its ordre du jour: for a fiche's item, the
 * body's decisions on that fiche taken at the meeting; for a free item, the decision written in
 * séance. Decisions on fiches that left the agenda come last, under the fiche's code.
 */
export function decisionSummary(
  agenda: ReadonlyArray<{ title: string; ficheId: string | null; decisionText: string | null }>,
  decisions: ReadonlyArray<{ ficheId: string; outcome: string; comment: string | null; fiche: { code: string } }>,
): SummaryLine[] {
  const line = (item: string, d: (typeof decisions)[number]): SummaryLine => ({
    item,
    outcome: DECISION_OUTCOME_LABELS[d.outcome] ?? d.outcome,
    ...(d.comment ? { comment: d.comment } : {}),
    ficheId: d.ficheId,
  });
  const onAgenda = agenda.flatMap((a): SummaryLine[] =>
    a.ficheId
      ? decisions.filter((d) => d.ficheId === a.ficheId).map((d) => line(a.title, d))
      : a.decisionText
        ? [{ item: a.title, outcome: a.decisionText }]
        : [],
  );
  const elsewhere = decisions
    .filter((d) => !agenda.some((a) => a.ficheId === d.ficheId))
    .map((d) => line(`Fiche ${d.fiche.code}`, d));
  return [...onAgenda, ...elsewhere];
}

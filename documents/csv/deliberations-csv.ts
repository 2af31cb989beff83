import { csvCell } from './csv-cell.js';
import type { PublishedDecision } from '../../domain/open-decisions.js';

/**
 * The published decisions in the SCDL « Délibérations » schema's columns (schema.data.gouv.fr,
 * scdl/deliberations 2.1): one row per decision, the same rows for the CSV and the JSON. Concerto
 * fills what it knows; COLL_SIRET, the ACTES matière, the budget, the préfecture's receipt and
 * the votes cast are not recorded by it, so those cells are empty (docs: README « Données ouvertes »).
 */
export const SCDL_COLUMNS = [
  'COLL_NOM',
  'COLL_SIRET',
  'DELIB_ID',
  'DELIB_DATE',
  'DELIB_MATIERE_CODE',
  'DELIB_MATIERE_NOM',
  'DELIB_OBJET',
  'BUDGET_ANNEE',
  'BUDGET_NOM',
  'PREF_ID',
  'PREF_DATE',
  'VOTE_EFFECTIF',
  'VOTE_REEL',
  'VOTE_POUR',
  'VOTE_CONTRE',
  'VOTE_ABSTENTION',
  'DELIB_URL',
] as const;

export type ScdlRow = Record<(typeof SCDL_COLUMNS)[number], string | number | null>;

/** The rows of `decisions`: `collectivite` names the convention's collectivité, `url` each decision's address. */
export function deliberationRows(
  collectivite: string,
  decisions: readonly PublishedDecision[],
  url: (decision: PublishedDecision) => string,
): ScdlRow[] {
  return decisions.map((d) => ({
    COLL_NOM: collectivite,
    COLL_SIRET: null,
    DELIB_ID: d.id,
    DELIB_DATE: d.date,
    DELIB_MATIERE_CODE: null,
    DELIB_MATIERE_NOM: null,
    DELIB_OBJET: `${d.instance.name} — ${d.subject} : ${d.outcome}`,
    BUDGET_ANNEE: null,
    BUDGET_NOM: null,
    PREF_ID: null,
    PREF_DATE: null,
    VOTE_EFFECTIF: d.votes.effectif,
    VOTE_REEL: d.votes.reel,
    VOTE_POUR: null,
    VOTE_CONTRE: null,
    VOTE_ABSTENTION: null,
    DELIB_URL: url(d),
  }));
}

/**
 * The rows as the SCDL's CSV: UTF-8 without BOM, `,`-separated, a header of the schema's column
 * names, cells as {@link csvCell} writes them, CRLF line ends.
 */
export function deliberationsCsv(rows: readonly ScdlRow[]): string {
  const lines = rows.map((row) => SCDL_COLUMNS.map((column) => cell(row[column])).join(','));
  return `${[SCDL_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

function cell(value: string | number | null): string {
  return value === null ? '' : typeof value === 'number' ? String(value) : csvCell(value, ',');
}

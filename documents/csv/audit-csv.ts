import { csvCell } from './csv-cell.js';

/** One line of the audit log as the CSV export writes it. */
export interface AuditCsvLine {
  at: Date;
  actor: string;
  action: string;
  /** The action in French. */
  label: string;
  subject: string;
  details: unknown;
}

const HEADER = ['Date (UTC)', 'Qui', 'Action', 'Libellé', 'Sur', 'Détails'];

/**
 * The audit log as a CSV file for spreadsheets: a UTF-8 BOM (the accents), French headers,
 * `;`-separated, CRLF line ends, cells as {@link csvCell} writes them.
 */
export function auditCsv(lines: readonly AuditCsvLine[]): string {
  const rows = lines.map((line) =>
    [
      line.at.toISOString(),
      line.actor,
      line.action,
      line.label,
      line.subject,
      line.details === null || line.details === undefined ? '' : JSON.stringify(line.details),
    ].map(cell),
  );
  return `\uFEFF${[HEADER, ...rows].map((row) => row.join(';')).join('\r\n')}\r\n`;
}

const cell = (value: string) => csvCell(value, ';');

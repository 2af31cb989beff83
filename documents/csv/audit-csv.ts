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
 * `;`-separated, CRLF line ends, cells quoted when they hold `;`, `"` or a line break. A cell a
 * spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return: an address or a title anyone may type) starts with a `'`, so it stays text (CSV injection).
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

function cell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

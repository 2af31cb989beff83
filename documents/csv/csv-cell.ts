/**
 * One CSV cell: quoted when it holds the separator, `"` or a line break; a text a spreadsheet would
 * take for a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return: an address or a
 * title anyone may type) starts with a `'`, so it stays text (CSV injection).
 */
export function csvCell(value: string, separator: ';' | ','): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

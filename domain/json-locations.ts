/** A place in a text, as an editor counts it: line and column from 1. */
export interface TextLocation {
  line: number;
  column: number;
}

/**
 * Where each value of a JSON text starts, by its dotted path (`people.3.email`, as `fieldPath`
 * writes a field at fault), the root being ''. For a text JSON.parse accepts; a text it refuses
 * gives the locations read before the fault. Lets an import say on which line a field is wrong.
 */
export function jsonValueLocations(text: string): Map<string, TextLocation> {
  const locations = new Map<string, TextLocation>();
  let at = 0;
  let line = 1;
  let lineStart = 0;
  const skipSpace = () => {
    for (; at < text.length && ' \t\r\n'.includes(text[at]!); at++)
      if (text[at] === '\n') {
        line++;
        lineStart = at + 1;
      }
  };
  const readString = (): string => {
    const start = ++at;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    return JSON.parse(`"${text.slice(start, at++)}"`) as string;
  };
  const value = (path: string): void => {
    skipSpace();
    if (at >= text.length) throw new SyntaxError('end of text');
    locations.set(path, { line, column: at - lineStart + 1 });
    const first = text[at];
    const child = (key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
    if (first === '{' || first === '[') {
      const close = first === '{' ? '}' : ']';
      at++;
      for (let index = 0; ; index++) {
        skipSpace();
        if (text[at] === close) break;
        if (first === '{') {
          const key = readString();
          skipSpace();
          at++; // the colon
          value(child(key));
        } else value(child(index));
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] !== close) throw new SyntaxError(`unexpected ${text[at]}`);
      }
      at++;
    } else if (first === '"') readString();
    else while (at < text.length && !',}] \t\r\n'.includes(text[at]!)) at++;
  };
  try {
    value('');
  } catch {
    // Not JSON past this point: what was read stays located.
  }
  return locations;
}

/** The location of a field, else of its nearest ancestor that is there (a missing field: its object). */
export function locateField(locations: ReadonlyMap<string, TextLocation>, field: string): TextLocation | undefined {
  for (let path = field; ; path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '') {
    const found = locations.get(path);
    if (found || path === '') return found;
  }
}

/**
 * Each issue of a JSON text with the line its field is on (a missing field: its object's line), as the
 * CLI and the import page name them; `line` left out when the text does not hold the field.
 */
export function issuesWithLines<T extends { field: string }>(
  text: string,
  issues: readonly T[],
): Array<T & { line?: number }> {
  const locations = jsonValueLocations(text);
  return issues.map((issue) => {
    const at = locateField(locations, issue.field);
    return at ? { ...issue, line: at.line } : issue;
  });
}

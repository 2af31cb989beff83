/** One entity of a MIME message, as its own headers describe it. */
export interface MimeEntity {
  /** `type/subtype`, lower-cased. */
  type: string;
  /** Content-Type parameters, names lower-cased (`charset`, `method`, `boundary`, `name`). */
  params: Record<string, string>;
  /** Unfolded header fields by lower-cased name (the first occurrence of each). */
  headers: Record<string, string>;
  children: MimeEntity[];
  /** The body with its Content-Transfer-Encoding (base64, quoted-printable) undone; empty for multiparts. */
  body: Buffer;
}

/**
 * Splits a raw message into its MIME tree by boundaries, reading only each entity's own headers:
 * independent of the library that wrote the message and of any parser's idea of what is an
 * attachment, so a test can say exactly where each part sits.
 */
export function parseMimeTree(raw: Buffer): MimeEntity {
  return parseEntity(raw.toString('latin1'));
}

/** The tree as indented `type` lines, e.g. for `toEqual` against the expected structure. */
export function mimeOutline(entity: MimeEntity, depth = 0): string[] {
  return [`${'  '.repeat(depth)}${entity.type}`, ...entity.children.flatMap((child) => mimeOutline(child, depth + 1))];
}

/** Every entity of the tree, depth first, with its parent. */
export function mimeEntities(
  entity: MimeEntity,
  parent: MimeEntity | null = null,
): Array<{ entity: MimeEntity; parent: MimeEntity | null }> {
  return [{ entity, parent }, ...entity.children.flatMap((child) => mimeEntities(child, entity))];
}

function parseEntity(source: string): MimeEntity {
  const separator = /\r?\n\r?\n/.exec(source);
  const head = separator ? source.slice(0, separator.index) : source;
  const rest = separator ? source.slice(separator.index + separator[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= line.slice(colon + 1).trim();
  }
  const [typeField = 'text/plain', ...paramFields] = splitParams(headers['content-type'] ?? 'text/plain');
  const params: Record<string, string> = {};
  for (const field of paramFields) {
    const eq = field.indexOf('=');
    if (eq > 0)
      params[field.slice(0, eq).trim().toLowerCase()] = field
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
  }
  const type = typeField.trim().toLowerCase();
  if (type.startsWith('multipart/') && params.boundary) {
    return {
      type,
      params,
      headers,
      children: splitMultipart(rest, params.boundary).map(parseEntity),
      body: Buffer.alloc(0),
    };
  }
  return {
    type,
    params,
    headers,
    children: [],
    body: decodeBody(rest, (headers['content-transfer-encoding'] ?? '7bit').toLowerCase()),
  };
}

/** `a; b="x;y"; c` → [a, b="x;y", c]. */
function splitParams(value: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of value) {
    if (char === '"') quoted = !quoted;
    if (char === ';' && !quoted) {
      fields.push(current);
      current = '';
    } else current += char;
  }
  fields.push(current);
  return fields;
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of body.split(/\r?\n/)) {
    const closing = line === `--${boundary}--`;
    if (closing || line === `--${boundary}`) {
      if (current) parts.push(current.join('\r\n'));
      if (closing) return parts;
      current = [];
      continue;
    }
    current?.push(line);
  }
  throw new Error(`multipart body without its closing --${boundary}--`);
}

function decodeBody(body: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1');
  }
  return Buffer.from(body, 'latin1');
}

/**
 * An SVG (or any XML) file read by a real XML parser (fast-xml-parser) into a small tree to query:
 * well-formedness first, then elements, attributes and text as a browser would see them.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One element: its name, attributes, children in order, and its own text pieces. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The element's text content: its text and its descendants', in document order. */
  text: string;
}

type Raw = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Throws, with the parser's line and column, unless `xml` is well-formed. */
export function assertWellFormed(xml: string): void {
  const result = XMLValidator.validate(xml);
  if (result !== true)
    throw new Error(`not well-formed XML: ${result.err.msg} (line ${result.err.line}, column ${result.err.col})`);
}

/** The document element of `xml`, once checked well-formed. */
export function parseXml(xml: string): XmlNode {
  assertWellFormed(xml);
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    ignoreDeclaration: true,
  });
  const roots = (parser.parse(xml) as Raw[]).map(toNode).filter((node): node is XmlNode => node !== null);
  if (roots.length !== 1) throw new Error(`expected one document element, found ${roots.length}`);
  return roots[0]!;
}

function toNode(raw: Raw): XmlNode | null {
  const name = Object.keys(raw).find((key) => key !== ':@');
  if (name === undefined || name === '#text') return null;
  const content = raw[name] as Raw[];
  const children: XmlNode[] = [];
  let text = '';
  for (const item of content) {
    if ('#text' in item) text += String(item['#text']);
    else {
      const child = toNode(item);
      if (child) {
        children.push(child);
        text += child.text;
      }
    }
  }
  return { name, attrs: raw[':@'] ?? {}, children, text };
}

/** Every element under `node` (itself included), depth first, that `predicate` accepts. */
export function findAll(node: XmlNode, predicate: (node: XmlNode) => boolean): XmlNode[] {
  const found = predicate(node) ? [node] : [];
  for (const child of node.children) found.push(...findAll(child, predicate));
  return found;
}

/** Elements of that class attribute (one class per element here). */
export function byClass(node: XmlNode, className: string): XmlNode[] {
  return findAll(node, (candidate) => candidate.attrs.class === className);
}

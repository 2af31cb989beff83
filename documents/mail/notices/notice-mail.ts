import { paragraph, renderHtml, renderText, type Block } from '../mail-blocks.js';

/** A notice as sent: its subject, and its body as text and as HTML from the same blocks. */
export interface ComposedNotice {
  subject: string;
  text: string;
  html: string;
}

/** The signature of the lifecycle's and the convention's notices. */
export const NOTICE_SIGNATURE = 'Concerto, pour la Convention Territoriale Globale';

/**
 * Every notice has one shape: « Bonjour, », its body, a signature. The text part ends on the
 * signature, with no final newline, as it always has.
 */
export function composeNotice(
  subject: string,
  body: readonly Block[],
  signature: string = NOTICE_SIGNATURE,
): ComposedNotice {
  const blocks = [paragraph('Bonjour,'), ...body, paragraph(signature)];
  return { subject, text: renderText(blocks, { finalNewline: false }), html: renderHtml(subject, blocks) };
}

import { inflateSync } from 'node:zlib';

/** Bytes 0x80–0x9F of WinAnsiEncoding (PDF 1.7, annex D); the others are Latin-1. */
const WIN_ANSI_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * The text a PDF written by pdfkit with the standard fonts shows, one line per text-showing
 * operator, in page order. A reader for our own files, not for PDFs at large: it knows Flate
 * streams and hex strings in TJ arrays, which is all pdfkit writes.
 */
export function pdfTextLines(pdf: Buffer): string[] {
  const source = pdf.toString('latin1');
  const lines: string[] = [];
  for (const match of source.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const end = source.indexOf('endstream', start);
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    for (const [, array] of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const bytes = [...array!.matchAll(/<([0-9a-f]*)>/gi)].map(([, hex]) => Buffer.from(hex!, 'hex'));
      lines.push(
        [...Buffer.concat(bytes)]
          .map((b) => (b >= 0x80 && b <= 0x9f ? WIN_ANSI_HIGH[b - 0x80] : String.fromCharCode(b)))
          .join(''),
      );
    }
  }
  return lines;
}

import PDFDocument from 'pdfkit';
import { agendaLine, agendaTimes } from '../../domain/agenda-times.js';
import { formatFrench } from '../../domain/paris-time.js';
import { frenchClock, frenchMeetingTimes } from '../../domain/french-times.js';
import type { MeetingFacts } from '../mail/meeting-mail.js';

/** What the ordre du jour of one meeting shows. */
export interface AgendaPdfInput extends MeetingFacts {
  /** With durations, items show them and the time each starts (the durations before it added up). */
  agenda: Array<{ position: number; title: string; durationMinutes?: number | null }>;
  /**
   * When this version of the agenda was issued: the PDF's CreationDate, from which pdfkit also
   * derives the file ID. Nothing else in the file depends on the clock, so one input gives the
   * same bytes every time.
   */
  issuedAt: Date;
}

export const AGENDA_PDF_CONTENT_TYPE = 'application/pdf';
export const AGENDA_PDF_FILENAME = 'ordre-du-jour.pdf';

const MARGIN = 56;
const NUMBER_WIDTH = 28;

/**
 * The ordre du jour as an A4 PDF: title, instance, date, place and the numbered points, in the
 * standard Helvetica fonts (nothing embedded, so the file stays a few kilobytes).
 */
export function renderAgendaPdf(input: AgendaPdfInput): Promise<Buffer> {
  return renderPdf(input, `Ordre du jour — ${input.title}`, (doc) => drawAgenda(doc, input));
}

/**
 * A document (a meeting's, a plan d'actions): `draw` writes its pages, then the line saying when Concerto issued
 * it; `instanceName` is its subject.
 * Its bytes depend on the input only (see {@link AgendaPdfInput.issuedAt}).
 */
export function renderPdf(
  input: Pick<AgendaPdfInput, 'instanceName' | 'zone' | 'issuedAt'>,
  title: string,
  draw: (doc: PDFKit.PDFDocument) => void,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: winAnsi(title),
      Author: 'Concerto',
      Subject: winAnsi(input.instanceName),
      CreationDate: input.issuedAt,
    },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc);
  doc.moveDown(2);
  doc
    .font('Helvetica-Oblique')
    .fontSize(9)
    .fillColor('#555555')
    .text(`Document établi par Concerto le ${formatFrench(input.issuedAt, input.zone)}.`, MARGIN, doc.y, {
      width: textWidth(doc),
    });
  doc.end();
  return done;
}

/** The width between the margins. */
export function textWidth(doc: PDFKit.PDFDocument): number {
  return doc.page.width - 2 * MARGIN;
}

/** Writes a line of text with a hanging indent after `label`, on one page. */
function hangingLine(doc: PDFKit.PDFDocument, label: string, text: string): void {
  const width = textWidth(doc);
  const line = winAnsi(text);
  doc.font('Helvetica').fontSize(12);
  if (doc.y + doc.heightOfString(line, { width: width - NUMBER_WIDTH }) > doc.page.height - MARGIN) doc.addPage();
  const top = doc.y;
  doc.font('Helvetica-Bold').text(label, MARGIN, top, { width: NUMBER_WIDTH });
  // A hanging indent: a long title wraps under itself, not under its number.
  doc.font('Helvetica').text(line, MARGIN + NUMBER_WIDTH, top, { width: width - NUMBER_WIDTH });
  doc.moveDown(0.5);
}

/** The ordre du jour's page: the meeting's facts, then its numbered points. */
export function drawAgenda(doc: PDFKit.PDFDocument, input: AgendaPdfInput): void {
  const width = textWidth(doc);
  doc.font('Helvetica-Bold').fontSize(20).text('Ordre du jour');
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').fontSize(14).text(winAnsi(input.title));
  doc.font('Helvetica').fontSize(12).text(winAnsi(input.instanceName));
  doc.moveDown(0.8);
  const facts: Array<[string, string]> = [['Date', frenchMeetingTimes(input.startsAt, input.endsAt, input.zone)]];
  if (input.location) facts.push(['Lieu', input.location]);
  if (input.visioUrl) facts.push(['Visioconférence', input.visioUrl]);
  for (const [label, value] of facts) {
    doc.font('Helvetica-Bold').fontSize(11).text(`${label} : `, { continued: true });
    doc.font('Helvetica').text(winAnsi(value));
  }

  doc.moveDown(1);
  const y = doc.y;
  doc
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + width, y)
    .lineWidth(0.5)
    .stroke();
  doc.moveDown(1);

  const points = [...input.agenda].sort((a, b) => a.position - b.position);
  if (points.length === 0)
    doc.font('Helvetica-Oblique').fontSize(12).text('L’ordre du jour sera communiqué prochainement.');
  const starts = agendaTimes(
    input.startsAt,
    points.map((p) => ({ durationMinutes: p.durationMinutes ?? null })),
  );
  // Once one item has a duration, each shows when it starts.
  const timed = points.some((p) => p.durationMinutes);
  points.forEach((point, i) => {
    const line = agendaLine({ title: point.title, durationMinutes: point.durationMinutes ?? null });
    const at = timed ? `${frenchClock(starts[i]!, input.zone, 'padded')} — ` : '';
    hangingLine(doc, `${point.position}.`, `${at}${line}`);
  });
}

/**
 * The standard PDF fonts know only WinAnsi (Latin-1 plus ’ « » œ € … and a few more); pdfkit
 * writes any other character as a meaningless code. Those become a close equivalent, or « ? ».
 */
export function winAnsi(text: string): string {
  return text.normalize('NFC').replace(/[^\x20-\x7e\xa0-\xff]/gu, (char) => {
    if (WIN_ANSI_EXTRA.has(char)) return char;
    if (/\s/u.test(char)) return ' ';
    return SUBSTITUTES[char] ?? '?';
  });
}

/** The characters WinAnsi puts at 0x80–0x9F. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const SUBSTITUTES: Readonly<Record<string, string>> = {
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '–',
  '\u2212': '-',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2032': "'",
  '\u2033': '"',
};

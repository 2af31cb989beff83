/**
 * The blocks a French mail is made of, rendered twice: as plain text and as HTML, so both parts
 * always carry the same information. Shared by every mail Concerto sends. Pure.
 */

/** A paragraph, lines kept as written, label/value rows, a list under a heading, or links under a heading. */
export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'lines'; lines: string[] }
  | { type: 'facts'; rows: Array<{ label: string; value: string; link?: boolean }> }
  | {
      type: 'list';
      heading: string;
      ordered: boolean;
      items: Array<{ position?: number; text: string; detail?: string }>;
    }
  | { type: 'links'; heading: string; links: Array<{ label: string; href: string }> };

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe inside HTML elements and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

export function paragraph(text: string): Block {
  return { type: 'paragraph', text };
}

/** Only these become clickable: anything else (a `javascript:` URL) is shown as text. */
export function isWebLink(value: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(value);
}

/** The text part; `finalNewline: false` for the notices, whose text always ended on the signature. */
export function renderText(blocks: readonly Block[], { finalNewline = true } = {}): string {
  const rendered = blocks.map((block) => {
    switch (block.type) {
      case 'paragraph':
        return block.text;
      case 'lines':
        return block.lines.join('\n');
      case 'facts':
        return block.rows.map((row) => `${row.label} : ${row.value}`).join('\n');
      case 'list':
        return [
          `${block.heading} :`,
          ...block.items.map((item, i) => {
            const line = `${block.ordered ? `${item.position ?? i + 1}.` : '-'} ${item.text}`;
            return item.detail ? `${line}\n   ${item.detail}` : line;
          }),
        ].join('\n');
      case 'links':
        return [block.heading, ...block.links.map((link) => `- ${link.label} : ${link.href}`)].join('\n');
    }
  });
  return `${rendered.join('\n\n')}${finalNewline ? '\n' : ''}`;
}

export function renderHtml(subject: string, blocks: readonly Block[]): string {
  const anchor = (label: string, href: string) =>
    isWebLink(href)
      ? `<a href="${escapeHtml(href)}" style="color:#1a56a0">${escapeHtml(label)}</a>`
      : escapeHtml(label);
  const body = blocks.map((block) => {
    switch (block.type) {
      case 'paragraph':
        return `<p>${escapeHtml(block.text)}</p>`;
      case 'lines':
        return `<p>${block.lines.map(escapeHtml).join('<br>\n')}</p>`;
      case 'facts':
        return [
          '<table role="presentation" style="border-collapse:collapse;margin:0 0 1em">',
          ...block.rows.map(
            (row) =>
              `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:2px ` +
              `12px 2px 0">${escapeHtml(row.label)}</th>` +
              `<td style="padding:2px 0">${row.link ? anchor(row.value, row.value) : escapeHtml(row.value)}</td></tr>`,
          ),
          '</table>',
        ].join('\n');
      case 'list': {
        const tag = block.ordered ? 'ol' : 'ul';
        const items = block.items.map((item) => {
          const value = block.ordered && item.position !== undefined ? ` value="${item.position}"` : '';
          const detail = item.detail ? `<br><em>${escapeHtml(item.detail)}</em>` : '';
          return `<li${value}>${escapeHtml(item.text)}${detail}</li>`;
        });
        return [
          `<h2 style="font-size:16px;margin:1em 0 0.5em">${escapeHtml(block.heading)}</h2>`,
          `<${tag}>`,
          ...items,
          `</${tag}>`,
        ].join('\n');
      }
      case 'links':
        return [
          `<p>${escapeHtml(block.heading)}</p>`,
          `<p>${block.links.map((link) => anchor(link.label, link.href)).join('<br>\n')}</p>`,
        ].join('\n');
    }
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="fr">',
    `<head><meta charset="utf-8"><meta name="viewport" ` +
      `content="width=device-width"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1e1e1e">',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

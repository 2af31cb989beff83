import type { ConventionListItem } from '../../store/conventions/list-conventions.js';
import { escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/** What a page that shows one convention says to someone who takes part in several: which one? */
export function conventionChoicePage(
  conventions: readonly ConventionListItem[],
  page: { path: string; title: string },
  viewer: PageViewer | null,
): string {
  const items = conventions.map(
    (c) =>
      `<li><a href="${page.path}?convention=${encodeURIComponent(c.slug)}">${escapeHtml(c.name)}</a> ` +
      `(${escapeHtml(c.territory)}, ${c.startDate.getUTCFullYear()}-${c.endDate.getUTCFullYear()})</li>`,
  );
  return renderAppPage({
    title: page.title,
    current: page.path,
    viewer,
    body: [
      `<h1>${escapeHtml(page.title)}</h1>`,
      '<p>Vous prenez part à plusieurs conventions : choisissez celle à afficher.</p>',
      `<ul>${items.join('')}</ul>`,
    ],
  });
}

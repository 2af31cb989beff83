import { agendaTimes, frenchDuration, MAX_ITEM_MINUTES } from '../../domain/agenda-times.js';
import { DomainError } from '../../domain/errors.js';
import { freeItemSchema, type FreeItemInput } from '../../domain/meeting-input.js';
import { parseInput } from '../../domain/validation.js';
import type { MeetingPageRow } from '../../store/meetings/find-meeting-page.js';
import { frenchInstant, frenchTime } from './format.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/**
 * The ordre du jour's free items (a title, an optional note), as the convene form takes them
 * (rows with a rank: ordered without JavaScript) and as the meeting's agenda page edits them (add,
 * move up or down). The fiches due put themselves on it; both kinds of item move alike.
 */

/** A free item's row as typed: `point-i-titre`, `point-i-note`, `point-i-rang`. */
export interface FreeItemRow {
  title: string;
  note: string;
  rank: string;
}

/** A field's message, by the row it is about. */
export type RowErrors = Map<number, string>;

const text = (fields: Record<string, unknown>, name: string) => (typeof fields[name] === 'string' ? fields[name] : '');

/**
 * The rows posted, those with anything typed, ordered by their rank (a row without one keeps its
 * place after the ranked ones).
 */
export function readFreeItemRows(body: unknown): FreeItemRow[] {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const rows: Array<FreeItemRow & { index: number }> = [];
  for (let i = 0; i < 50 && `point-${i}-titre` in fields; i += 1) {
    const row = { title: text(fields, `point-${i}-titre`), note: text(fields, `point-${i}-note`), index: i };
    if (row.title.trim() || row.note.trim()) rows.push({ ...row, rank: text(fields, `point-${i}-rang`).trim() });
  }
  const rankOf = (row: { rank: string; index: number }) =>
    /^\d{1,3}$/.test(row.rank) ? Number(row.rank) : 1000 + row.index;
  return rows
    .sort((a, b) => rankOf(a) - rankOf(b) || a.index - b.index)
    .map(({ title, note }, i) => ({ title, note, rank: String(i + 1) }));
}

/** A free item checked by its schema; its first error by row otherwise. */
export function parseFreeItem(row: Pick<FreeItemRow, 'title' | 'note'>): FreeItemInput | string {
  try {
    return parseInput(freeItemSchema(), { title: row.title, ...(row.note.trim() ? { note: row.note } : {}) });
  } catch (error) {
    if (error instanceof DomainError) return error.issues?.[0]?.message ?? error.message;
    throw error;
  }
}

/** The rows checked: the items in order, or the error of each row at fault. */
export function parseFreeItems(rows: readonly FreeItemRow[]): { items: FreeItemInput[]; errors: RowErrors } {
  const items: FreeItemInput[] = [];
  const errors: RowErrors = new Map();
  rows.forEach((row, i) => {
    const parsed = parseFreeItem(row);
    if (typeof parsed === 'string') errors.set(i, parsed);
    else items.push(parsed);
  });
  return { items, errors };
}

/** The convene form's free items: the rows typed, then an empty one to add another. */
export function freeItemsFieldset(rows: readonly FreeItemRow[], errors: RowErrors): string {
  const shown = [...rows, { title: '', note: '', rank: String(rows.length + 1) }];
  const row = (item: FreeItemRow, i: number) => {
    const id = `point-${i}`;
    const error = errors.get(i);
    const invalid = error ? ` aria-invalid="true" aria-describedby="${id}-erreur"` : '';
    return (
      `<fieldset><legend>Point libre ${i + 1}</legend>` +
      `<div class="field"><label for="${id}-titre">Titre du point</label>` +
      `<input type="text" id="${id}-titre" name="${id}-titre" maxlength="200" value="${escapeHtml(item.title)}"` +
      `${invalid}></div>` +
      (error ? `<p class="failed" id="${id}-erreur">${escapeHtml(error)}</p>` : '') +
      `<div class="field"><label for="${id}-note">Note (facultative)</label>` +
      `<textarea id="${id}-note" name="${id}-note" rows="2" maxlength="1000">${escapeHtml(item.note)}` +
      '</textarea></div>' +
      `<div class="field"><label for="${id}-rang">Rang dans l’ordre du jour</label>` +
      `<input type="number" id="${id}-rang" name="${id}-rang" min="1" max="999" value="${escapeHtml(item.rank)}">` +
      '</div></fieldset>'
    );
  };
  return (
    '<section aria-labelledby="points-libres"><h2 id="points-libres">Points libres de l’ordre du jour</h2>' +
    '<p>Facultatif. Les points se rangent selon leur rang ; « Vérifier la date » ajoute une ligne vide pour ' +
    'un point de plus. Ils se déplacent ensuite depuis la page de la réunion.</p>' +
    shown.map(row).join('') +
    '</section>'
  );
}

/** The fiches that wait for the instance: they will put themselves on the ordre du jour. */
export function dueFichesSection(fiches: ReadonlyArray<{ id: string; code: string; title: string }> | null): string {
  if (fiches === null) return '';
  const list = fiches.length
    ? `<ul>${fiches
        .map(
          (f) =>
            `<li><a href="/fiches/${encodeURIComponent(f.id)}">Fiche ${escapeHtml(f.code)}</a> : ` +
            `${escapeHtml(f.title)}</li>`,
        )
        .join('')}</ul>`
    : '<p>Aucune fiche n’attend l’avis ou la décision de cette instance pour l’instant.</p>';
  return (
    '<section aria-labelledby="fiches-dues"><h2 id="fiches-dues">Fiches proposées</h2>' +
    '<p>Ces fiches attendent l’avis ou la décision de l’instance : elles s’inscrivent d’elles-mêmes à ' +
    'l’ordre du jour, après les points libres.</p>' +
    list +
    '</section>'
  );
}

/** Input of {@link agendaPage}. */
export interface AgendaForm {
  meeting: MeetingPageRow;
  /** The new item's fields as typed, and its error. */
  values: { title: string; note: string };
  error: string | null;
  notice: string | null;
  /** A duration refused: the item's id, the value typed and why. */
  durationError?: { itemId: string; value: string; message: string };
}

/** An item's duration form: minutes, or empty for none; its error beside the field. */
function durationForm(
  base: string,
  item: MeetingPageRow['agenda'][number],
  error: AgendaForm['durationError'],
  viewer: PageViewer | null,
): string {
  const id = `duree-${item.id}`;
  const refused = error?.itemId === item.id ? error : undefined;
  const value = refused ? refused.value : item.durationMinutes ? String(item.durationMinutes) : '';
  return (
    `<form class="inline" method="post" action="${base}/${encodeURIComponent(item.id)}/duree" novalidate>` +
    csrfField(viewer) +
    `<label for="${id}">Durée en minutes : ${escapeHtml(item.title)}</label> ` +
    `<input type="number" id="${id}" name="minutes" min="1" max="${MAX_ITEM_MINUTES}" inputmode="numeric" ` +
    `value="${escapeHtml(value)}"${refused ? ` aria-invalid="true" aria-describedby="${id}-erreur"` : ''}> ` +
    `<button type="submit">Enregistrer la durée</button>` +
    (refused ? `<p class="failed" id="${id}-erreur">${escapeHtml(refused.message)}</p>` : '') +
    '</form>'
  );
}

/** The ordre du jour before the meeting: each item moved up or down, its duration, a free item added. */
export function agendaPage(form: AgendaForm, viewer: PageViewer | null): string {
  const { meeting, values, error } = form;
  const base = `/reunions/${encodeURIComponent(meeting.id)}/ordre-du-jour`;
  const last = meeting.agenda.length - 1;
  const move = (itemId: string, direction: 'monter' | 'descendre', label: string, title: string) =>
    `<form class="inline" method="post" action="${base}/${encodeURIComponent(itemId)}">${csrfField(viewer)}` +
    `<button type="submit" name="sens" value="${direction}" aria-label="${escapeHtml(`${label} : ${title}`)}">` +
    `${label}</button></form>`;
  // Once one item has a duration, each shows when it starts.
  const starts = agendaTimes(meeting.startsAt, meeting.agenda);
  const timed = meeting.agenda.some((item) => item.durationMinutes);
  const items = meeting.agenda.map(
    (item, i) =>
      `<li><p>${timed ? `<span class="muted">${escapeHtml(frenchTime(starts[i]!))}</span> — ` : ''}` +
      `<strong>${escapeHtml(item.title)}</strong>${item.fiche ? ' <span class="muted">(fiche)</span>' : ''}` +
      `${item.durationMinutes ? ` (${escapeHtml(frenchDuration(item.durationMinutes))})` : ''}</p>` +
      `${item.note ? `<p class="muted">${escapeHtml(item.note)}</p>` : ''}` +
      (i > 0 ? move(item.id, 'monter', 'Monter', item.title) : '') +
      (i < last ? move(item.id, 'descendre', 'Descendre', item.title) : '') +
      durationForm(base, item, form.durationError, viewer) +
      '</li>',
  );
  const invalid = error ? ' aria-invalid="true" aria-describedby="nouveau-point-erreur"' : '';
  return renderAppPage({
    title: `Ordre du jour — ${meeting.title}`,
    current: '/calendrier',
    viewer,
    body: [
      '<h1>Ordre du jour</h1>',
      form.notice ? `<p role="status" class="ok">${escapeHtml(form.notice)}</p>` : '',
      error ? `<p role="alert" class="failed">Le point n’est pas ajouté : voir le champ signalé.</p>` : '',
      `<p>Réunion « <a href="/reunions/${encodeURIComponent(meeting.id)}">${escapeHtml(meeting.title)}</a> » du ` +
        `${escapeHtml(frenchInstant(meeting.startsAt))}. Si la convocation est déjà partie, les membres reçoivent ` +
        'le dossier de séance à jour (ordre du jour, durées et fiches) dix minutes après le dernier changement.</p>',
      items.length ? `<ol>${items.join('')}</ol>` : '<p>L’ordre du jour est vide pour l’instant.</p>',
      '<h2>Ajouter un point libre</h2>',
      `<form method="post" action="${base}" novalidate>${csrfField(viewer)}`,
      `<div class="field"><label for="nouveau-point-titre">Titre du point</label>` +
        `<input type="text" id="nouveau-point-titre" name="titre" maxlength="200" required ` +
        `value="${escapeHtml(values.title)}"${invalid}></div>`,
      error ? `<p class="failed" id="nouveau-point-erreur">${escapeHtml(error)}</p>` : '',
      `<div class="field"><label for="nouveau-point-note">Note (facultative)</label>` +
        `<textarea id="nouveau-point-note" name="note" rows="3" maxlength="1000">${escapeHtml(values.note)}` +
        '</textarea></div>',
      '<p class="actions"><button type="submit">Ajouter le point</button></p>',
      '</form>',
    ],
  });
}

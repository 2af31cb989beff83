import {
  dateKey,
  formatFrenchDate,
  localDateKey,
  shiftDate,
  weekdayOf,
  type LocalDate,
  FRENCH_MONTHS,
  FRENCH_WEEKDAYS,
} from '../../domain/paris-time.js';
import type { MeetingListItem } from '../../store/meetings/list-meetings-between.js';
import type { MilestoneListItem } from '../../store/conventions/list-milestones-between.js';
import { frenchDay, frenchTime } from './format.js';
import { escapeHtml, renderAppPage, type PageViewer } from './layout.js';

export interface CalendarView {
  convention: { slug: string; name: string };
  /** The month shown, as its first day. */
  month: LocalDate;
  meetings: MeetingListItem[];
  milestones: MilestoneListItem[];
  /** The instances whose meetings the reader may convene: a link each, and one per day of the month. */
  toConvene: ReadonlyArray<{ slug: string; name: string }>;
  /** Whether the reader plans the calendar: sets its rules, moves its milestones. */
  mayPlan: boolean;
  /** The confirmation of what the reader just did, if anything. */
  notice: string | null;
}

/** `YYYY-MM` of the month `offset` months from `month`. */
export function monthKey(month: LocalDate, offset = 0): string {
  const index = month.year * 12 + (month.month - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The convene form, prefilled with an instance or a day. */
function conveneHref(view: CalendarView, prefill: { instance?: string; date?: string }): string {
  const query = new URLSearchParams({ convention: view.convention.slug, ...prefill });
  return escapeHtml(`/reunions/nouvelle?${query.toString()}`);
}

function monthGrid(view: CalendarView): string {
  const first = view.month;
  // Monday on or before the first of the month (weekdayOf: 0 Sunday … 6 Saturday).
  let day = shiftDate(first, -((weekdayOf(first) + 6) % 7));
  const rows: string[] = [];
  do {
    const cells: string[] = [];
    for (let i = 0; i < 7; i += 1, day = shiftDate(day, 1)) {
      const key = dateKey(day);
      const inMonth = day.month === first.month;
      const meetings = view.meetings.filter((m) => localDateKey(m.startsAt) === key);
      const milestones = view.milestones.filter((m) => m.startDate <= key && (m.endDate ?? m.startDate) >= key);
      const items = [
        ...meetings.map(
          (m) =>
            `<li><a href="/reunions/${encodeURIComponent(m.id)}">` +
            `${frenchTime(m.startsAt)} ${escapeHtml(m.title)}</a></li>`,
        ),
        ...milestones.map((m) => `<li>${escapeHtml(m.title)}</li>`),
      ];
      const convene =
        inMonth && view.toConvene.length
          ? ` <a href="${conveneHref(view, { date: key })}" ` +
            `aria-label="${escapeHtml(`Convoquer le ${formatFrenchDate(day)}`)}">+</a>`
          : '';
      cells.push(
        `<td${inMonth ? '' : ' class="other"'}>` +
          `<span aria-label="${escapeHtml(formatFrenchDate(day))}">${day.day}</span>${convene}${
            items.length ? `<ul>${items.join('')}</ul>` : ''
          }</td>`,
      );
    }
    rows.push(`<tr>${cells.join('')}</tr>`);
  } while (day.month === first.month);
  const title = `${FRENCH_MONTHS[first.month - 1]} ${first.year}`;
  return `<table class="month"><caption>${escapeHtml(title)}</caption><thead><tr>${FRENCH_WEEKDAYS.slice(1)
    .map((d) => `<th scope="col">${d}</th>`)
    .join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The month's milestones, each with the link that moves it for those who plan the calendar. */
function milestoneList(view: CalendarView): string {
  if (view.milestones.length === 0) return '';
  const slug = encodeURIComponent(view.convention.slug);
  const items = view.milestones.map(
    (m) =>
      `<li>${escapeHtml(frenchDay(m.startDate))} : ${escapeHtml(m.title)}` +
      (view.mayPlan
        ? ` — <a href="/calendrier/jalons/${encodeURIComponent(m.key)}/deplacer?convention=${slug}" ` +
          `aria-label="Déplacer le jalon « ${escapeHtml(m.title)} »">Déplacer</a>`
        : '') +
      '</li>',
  );
  return `<h2>Jalons</h2><ul>${items.join('')}</ul>`;
}

/** The calendar: a month of meetings and milestones, and the year's rétroplanning picture. */
export function calendarPage(view: CalendarView, viewer: PageViewer | null): string {
  const title = `${FRENCH_MONTHS[view.month.month - 1]} ${view.month.year}`;
  const slug = encodeURIComponent(view.convention.slug);
  return renderAppPage({
    title: `Calendrier — ${title}`,
    current: '/calendrier',
    viewer,
    body: [
      `<h1>Calendrier <span class="muted">${escapeHtml(title)}</span></h1>`,
      `<nav aria-label="Mois"><a href="/calendrier?mois=${monthKey(view.month, -1)}">Mois précédent</a>` +
        ` · <a href="/calendrier?mois=${monthKey(view.month, 1)}">Mois suivant</a></nav>`,
      view.notice ? `<p role="status" class="alert ok">${escapeHtml(view.notice)}</p>` : '',
      view.toConvene.length
        ? `<p><a href="${conveneHref(view, {})}">Convoquer une réunion</a> : ${view.toConvene
            .map(
              (i) =>
                `<a href="${conveneHref(view, { instance: i.slug })}">` + `${escapeHtml(`Convoquer ${i.name}`)}</a>`,
            )
            .join(' · ')}</p>`
        : '',
      view.mayPlan ? `<p><a href="/calendrier/regles?convention=${slug}">Règles des réunions régulières</a></p>` : '',
      // Scrolls sideways on a narrow screen rather than widening the page; reachable by keyboard.
      `<div class="scroll" role="region" tabindex="0" aria-label="Grille du mois">${monthGrid(view)}</div>`,
      milestoneList(view),
      `<h2>Rétroplanning ${view.month.year}</h2>`,
      `<p><img src="/conventions/${slug}/retroplanning/${view.month.year}.svg" alt="Rétroplanning ${view.month.year} ` +
        `de la convention ${escapeHtml(view.convention.name)} : jalons et réunions par instance, mois par mois."></p>`,
      `<p><a href="/conventions/${slug}/retroplanning/${view.month.year}.png?download=1">` +
        `Télécharger le rétroplanning ${view.month.year} en PNG</a></p>`,
    ],
  });
}

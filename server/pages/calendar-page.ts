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
import { frenchTime } from './format.js';
import { escapeHtml, renderAppPage, type PageViewer } from './layout.js';

export interface CalendarView {
  convention: { slug: string; name: string };
  /** The month shown, as its first day. */
  month: LocalDate;
  meetings: MeetingListItem[];
  milestones: MilestoneListItem[];
  /** Whether the reader may convene a meeting of one of its instances. */
  mayConvene: boolean;
}

/** `YYYY-MM` of the month `offset` months from `month`. */
export function monthKey(month: LocalDate, offset = 0): string {
  const index = month.year * 12 + (month.month - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
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
      cells.push(
        `<td${inMonth ? '' : ' class="other"'}>` +
          `<span aria-label="${escapeHtml(formatFrenchDate(day))}">${day.day}</span>${
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
      view.mayConvene ? `<p><a href="/reunions/nouvelle?convention=${slug}">Convoquer une réunion</a></p>` : '',
      monthGrid(view),
      `<h2>Rétroplanning ${view.month.year}</h2>`,
      `<p><img src="/conventions/${slug}/retroplanning/${view.month.year}.svg" alt="Rétroplanning ${view.month.year} ` +
        `de la convention ${escapeHtml(view.convention.name)} : jalons et réunions par instance, mois par mois."></p>`,
      `<p><a href="/conventions/${slug}/retroplanning/${view.month.year}.png?download=1">` +
        `Télécharger le rétroplanning ${view.month.year} en PNG</a></p>`,
    ],
  });
}

import type { Attendance } from '../../domain/meeting-rules.js';
import { countSeats, seatSummary } from '../../domain/meeting-seats.js';
import type { MeetingPageRow } from '../../store/meetings/find-meeting-page.js';
import { countAttendance } from '../../store/meetings/meeting-seats.js';
import { frenchInstant } from './format.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/**
 * The secretary's page on the day: each member convened présent, excusé, absent, or absent with a
 * pouvoir given to a member present; the quorum; recorded through the meeting workflow's
 * attendance step. Fields by row: `membre-i` (the address), `statut-i`, `pouvoir-i`.
 */

const STATUSES = [
  ['present', 'Présent·e'],
  ['excuse', 'Excusé·e'],
  ['absent', 'Absent·e'],
  ['pouvoir', 'Pouvoir donné à'],
] as const;
type RowStatus = (typeof STATUSES)[number][0];

/** A member's row as the form holds it. */
export interface AttendanceRow {
  email: string;
  name: string;
  status: RowStatus | '';
  to: string;
}

/** The rows as stored, a pouvoir given before the meeting (the pouvoir page) with its holder. */
export function storedRows(meeting: MeetingPageRow): AttendanceRow[] {
  const status = (attendance: string | null): AttendanceRow['status'] =>
    attendance === 'represente' ? 'pouvoir' : ((attendance ?? '') as AttendanceRow['status']);
  return meeting.invitations.map((i) => ({
    email: i.person.email,
    name: i.person.displayName,
    status: status(i.attendance),
    to: i.proxyTo ?? '',
  }));
}

/** The rows posted: each member of the meeting by index, what the form says of them. */
export function postedRows(meeting: MeetingPageRow, body: unknown): AttendanceRow[] {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === 'string' ? fields[name] : '');
  return storedRows(meeting).map((row, i) => {
    const status = text(`statut-${i}`);
    return {
      ...row,
      status: STATUSES.some(([value]) => value === status) ? (status as RowStatus) : '',
      to: text(`pouvoir-${i}`),
    };
  });
}

/** The attendance the rows say, as the workflow takes it (absent: in no list). */
export function attendanceOf(rows: readonly AttendanceRow[]): Attendance {
  return {
    present: rows.filter((r) => r.status === 'present').map((r) => r.email),
    excused: rows.filter((r) => r.status === 'excuse').map((r) => r.email),
    proxies: rows.filter((r) => r.status === 'pouvoir').map((r) => ({ from: r.email, to: r.to })),
  };
}

/** « suppléant·e de … » beside a suppléant's name. */
function seatNote(meeting: MeetingPageRow, row: AttendanceRow): string {
  const titulaire = meeting.seats.suppleantFor[row.email.toLowerCase()];
  if (titulaire === undefined) return '';
  const name = meeting.invitations.find((i) => i.person.email.toLowerCase() === titulaire)?.person.displayName;
  return ` <span class="muted">— suppléant·e de ${escapeHtml(name ?? titulaire)}</span>`;
}

function memberRow(
  meeting: MeetingPageRow,
  row: AttendanceRow,
  i: number,
  rows: readonly AttendanceRow[],
  error: string | undefined,
): string {
  const id = `membre-${i}`;
  const radios = STATUSES.map(
    ([value, label]) =>
      `<label><input type="radio" name="statut-${i}" value="${value}"${row.status === value ? ' checked' : ''}> ` +
      `${escapeHtml(label)}</label>`,
  ).join('');
  const others = rows
    .filter((other) => other.email !== row.email)
    .map(
      (other) =>
        `<option value="${escapeHtml(other.email)}"${other.email === row.to ? ' selected' : ''}>` +
        `${escapeHtml(other.name)}</option>`,
    )
    .join('');
  return (
    `<fieldset${error ? ` aria-describedby="${id}-erreur"` : ''}><legend>${escapeHtml(row.name)} ` +
    `<span class="muted">(${escapeHtml(row.email)})</span>${seatNote(meeting, row)}</legend>` +
    `<input type="hidden" name="${id}" value="${escapeHtml(row.email)}">${radios}` +
    `<label for="${id}-pouvoir">Pouvoir de ${escapeHtml(row.name)} donné à</label>` +
    `<select id="${id}-pouvoir" name="pouvoir-${i}"><option value="">—</option>${others}</select>` +
    (error ? `<p class="failed" id="${id}-erreur">${escapeHtml(error)}</p>` : '') +
    '</fieldset>'
  );
}

/** Input of {@link attendancePage}. */
export interface AttendanceForm {
  meeting: MeetingPageRow;
  rows: AttendanceRow[];
  /** By the member's address. */
  errors: Map<string, string>;
  /** Posted from the séance's page: recorded, it goes back there. */
  back?: 'seance';
}

/** Path of the script that recounts the quorum as the secretary ticks the rows. */
export const QUORUM_SCRIPT_PATH = '/assets/quorum.js';

/**
 * Recounts the seats on each change with the very functions the server counts with
 * (domain/meeting-seats.ts, inlined), and says the quorum in the status line as {@link quorumLine}
 * does; without it, the count shown is the one the page was rendered with.
 */
export const QUORUM_SCRIPT = `(() => {
  const countSeats = ${countSeats.toString()};
  const seatSummary = ${seatSummary.toString()};
  const form = document.querySelector('form[data-seats]');
  const status = document.getElementById('quorum');
  if (!form || !status) return;
  const seats = JSON.parse(form.dataset.seats);
  const recount = () => {
    const present = [];
    let proxies = 0;
    form.querySelectorAll('input[type=radio]:checked').forEach((radio) => {
      const email = form.querySelector('input[name="' + radio.name.replace('statut-', 'membre-') + '"]').value;
      if (radio.value === 'present') present.push(email.toLowerCase());
      if (radio.value === 'pouvoir') proxies += 1;
    });
    status.textContent = 'Quorum : ' + seatSummary(countSeats({ ...seats, present, proxies })) + '.';
  };
  form.addEventListener('change', recount);
})();
`;

/** The quorum line the rows give, and what the live recount needs to count as the server does. */
function quorumLine(meeting: MeetingPageRow, rows: readonly AttendanceRow[]): { seats: string; text: string } {
  const { titulaires, suppleantFor, quorum, rules } = meeting.seats;
  return {
    seats: JSON.stringify({ titulaires, suppleantFor, quorum, quorumCountsProxies: rules.quorumCountsProxies }),
    text: `Quorum : ${seatSummary(countAttendance(meeting.seats, attendanceOf(rows)))}.`,
  };
}

/**
 * The attendance form with its quorum, recounted live by {@link QUORUM_SCRIPT}; `back` names the
 * page the form returns to once recorded (the séance's, or the meeting's).
 */
export function attendanceForm(form: AttendanceForm, viewer: PageViewer | null): string {
  const { meeting, rows, errors, back } = form;
  const quorum = quorumLine(meeting, rows);
  return [
    `<p role="status" id="quorum">${escapeHtml(quorum.text)}</p>`,
    `<form method="post" action="/reunions/${encodeURIComponent(meeting.id)}/presences" novalidate ` +
      `data-seats="${escapeHtml(quorum.seats)}">`,
    csrfField(viewer),
    back ? `<input type="hidden" name="retour" value="${back}">` : '',
    rows.map((row, i) => memberRow(meeting, row, i, rows, errors.get(row.email))).join(''),
    '<p class="actions"><button type="submit">Enregistrer les présences</button></p>',
    '</form>',
  ].join('');
}

/** The attendance form, with the quorum the rows reach. */
export function attendancePage(form: AttendanceForm, viewer: PageViewer | null): string {
  const { meeting, errors } = form;
  return renderAppPage({
    title: `Présences — ${meeting.title}`,
    current: '/calendrier',
    viewer,
    scripts: [QUORUM_SCRIPT_PATH],
    body: [
      '<h1>Présences</h1>',
      errors.size
        ? `<p role="alert" class="failed">Les présences sont à corriger : voir les membres signalés.</p>`
        : '',
      `<p>Réunion « <a href="/reunions/${encodeURIComponent(meeting.id)}">${escapeHtml(meeting.title)}</a> » du ` +
        `${escapeHtml(frenchInstant(meeting.startsAt))}.</p>`,
      attendanceForm(form, viewer),
    ],
  });
}

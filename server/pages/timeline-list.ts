import type { TimelineEntry } from '../../client/history-timeline.js';
import { escapeHtml } from './layout.js';

function entryItem(entry: TimelineEntry): string {
  const mails = entry.mails ?? [];
  // A notice to several people: each attempt names its recipient.
  const items = mails.flatMap((mail) =>
    mail.attempts.map(
      (a) =>
        `<li>${mails.length > 1 ? `${escapeHtml(mail.recipient)}, essai` : 'Essai'} ${a.attempt}, ` +
        `<time datetime="${a.at}">${escapeHtml(a.when)}</time>` +
        ` : <span class="${a.outcome === 'sent' ? 'ok' : 'failed'}">${escapeHtml(a.label)}</span>${
          a.error ? ` (${escapeHtml(a.error)})` : ''
        }</li>`,
    ),
  );
  const mail = items.length ? `<ul class="mail">${items.join('')}</ul>` : '';
  return [
    '<li>',
    `<time datetime="${entry.at}">${escapeHtml(entry.when)}</time> — <strong>${escapeHtml(entry.who)}</strong>` +
      ` : ${escapeHtml(entry.what)}`,
    ` — <span${entry.failed ? ' class="failed"' : ''}>${escapeHtml(entry.outcome)}</span>`,
    mail,
    '</li>',
  ].join('');
}

/** A French timeline as an ordered list: when, who, what, how it ended, and the mails' attempts. */
export function timelineList(entries: readonly TimelineEntry[]): string {
  return entries.length
    ? `<ol class="timeline">${entries.map(entryItem).join('')}</ol>`
    : '<p>Rien encore dans cette histoire.</p>';
}

/** What people did and who was told: the timeline without the workflow's own bookkeeping. */
export const peoplesSteps = (entries: readonly TimelineEntry[]) =>
  entries.filter((e) => e.kind !== 'activity' && e.kind !== 'timer');

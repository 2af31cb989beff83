import type { JobState } from '../jobs.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/** Path of the script that keeps a progress page up to date. */
export const PROGRESS_SCRIPT_PATH = '/assets/progress.js';

/**
 * Polls GET /api/jobs/:id twice a second and updates the page's progress bar and status line until
 * the work ends, then shows its outcome. Without it the page still shows where the work stood, and
 * a link reloads it.
 */
export const PROGRESS_SCRIPT =
  `(() => {
  const root = document.querySelector('[data-job]');
  if (!root) return;
  const bar = root.querySelector('progress');
  const status = root.querySelector('[role=status]');
  const reload = root.querySelector('.reload');
  if (reload) reload.hidden = true;
  const tick = async () => {
    const answer = await fetch('/api/jobs/' + encodeURIComponent(root.dataset.job), ` +
  `{ headers: { accept: 'application/json' } });
    if (!answer.ok) return setTimeout(tick, 2000);
    const job = await answer.json();
    if (job.total) { bar.max = job.total; bar.value = job.done; }
    status.textContent = job.status === 'running' ? ` +
  `(job.total ? job.done + ' sur ' + job.total + (job.step ? ' : ' + job.step : '') : 'En cours…') : job.message;
    if (job.status === 'running') setTimeout(tick, 500);
    else { bar.max = 1; bar.value = 1; root.dataset.status = job.status; }
  };
  tick();
})();
`;

/** The line that says where the work stands. */
export function progressText(job: JobState): string {
  if (job.status !== 'running') return job.message ?? '';
  return job.total ? `${job.done} sur ${job.total}${job.step ? ` : ${job.step}` : ''}` : 'En cours…';
}

/** A long piece of work as it runs: a progress bar and a status line, kept up to date by the script. */
export function progressPage(job: JobState, viewer: PageViewer | null): string {
  const [value, max] = job.status === 'running' ? [job.done, job.total ?? 1] : [1, 1];
  return renderAppPage({
    title: job.label,
    viewer,
    scripts: [PROGRESS_SCRIPT_PATH],
    body: [
      `<h1>${escapeHtml(job.label)}</h1>`,
      `<div data-job="${escapeHtml(job.id)}" data-status="${job.status}">`,
      `<progress aria-label="Avancement" max="${max}" value="${value}"></progress>`,
      `<p role="status">${escapeHtml(progressText(job))}</p>`,
      `<p class="reload"><a href="/admin/taches/${encodeURIComponent(job.id)}">Actualiser</a></p>`,
      '</div>',
    ],
  });
}

/** The page that starts loading the demo convention. */
export function demoPage(viewer: PageViewer | null): string {
  return renderAppPage({
    title: 'Démonstration',
    current: '/admin/demo',
    viewer,
    body: [
      '<h1>Charger la démonstration</h1>',
      '<p>La Convention Territoriale Globale de Mellois en Poitou 2023-2027 : signataires, enjeux et objectifs, ' +
        'instances et membres, rétroplanning 2024. La charger à nouveau ne change rien.</p>',
      `<form method="post" action="/admin/demo">${csrfField(viewer)}<button type="submit">` +
        `Charger la démonstration</button></form>`,
    ],
  });
}

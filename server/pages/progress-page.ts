import type { LiveDemoSummary } from '../../client/live-demo.js';
import type { JobState } from '../jobs.js';
import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/** Path of the script that keeps a progress page up to date. */
export const PROGRESS_SCRIPT_PATH = '/assets/progress.js';

/**
 * Polls GET /api/jobs/:id twice a second and updates the page's progress bar and status line until
 * the work ends, then shows its outcome and the pages it points to. Without it the page still shows
 * where the work stood, and a link reloads it.
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
    else {
      bar.max = 1; bar.value = 1; root.dataset.status = job.status;
      if (job.links.length && !root.querySelector('.job-links')) {
        const list = root.appendChild(document.createElement('ul'));
        list.className = 'job-links';
        for (const link of job.links) {
          const a = list.appendChild(document.createElement('li')).appendChild(document.createElement('a'));
          a.href = link.href;
          a.textContent = link.label;
        }
      }
    }
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
      job.links.length
        ? `<ul class="job-links">${job.links
            .map((link) => `<li><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></li>`)
            .join('')}</ul>`
        : '',
      '</div>',
    ],
  });
}

/** What bringing the demo to life did, in a sentence (client/live-demo.ts). */
export function livingDemoSentence(live: LiveDemoSummary): string {
  if (!live.animated) return 'Elle vivait déjà (fiches ou calendrier en cours) : rien n’a été ajouté.';
  return (
    `${live.meetings} réunions convoquées, ${live.fiches} fiches, ${live.answers} réponses aux convocations, ` +
    `${live.votes} votes au sondage, en ${live.seconds.toLocaleString('fr-FR')} s.`
  );
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
        'instances et membres, rétroplanning 2024 ; puis, datée d’aujourd’hui, une CTG qui vit : le calendrier ' +
        'annuel en marche, les réunions du COTECH, du COPIL et du Bureau de ce trimestre et du suivant convoquées, ' +
        'les séances du jour tenues, des fiches à chaque étape, des réponses aux convocations et un sondage de date ' +
        'ouvert. Le chargement prend environ une minute ; le recharger ne change rien.</p>',
      `<form method="post" action="/admin/demo">${csrfField(viewer)}<button type="submit">` +
        `Charger la démonstration</button></form>`,
    ],
  });
}

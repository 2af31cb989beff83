import type { CampaignKind } from './convention-cycle.js';
import { formatFrench, formatFrenchDate, parseDateKey } from './paris-time.js';

/** The mails of the convention's cycle: French, for people. Pure, so a workflow builds them on replay. */

export interface Mail {
  subject: string;
  text: string;
}

/** A fiche a pilot is asked about. */
export interface CampaignFicheRef {
  ficheId: string;
  code: string;
  title: string;
}

/** A fiche as the COPIL's review shows it: its pilot, and its évaluation when recorded. */
export interface ReviewedFiche extends CampaignFicheRef {
  pilotEmail: string;
  evaluation: {
    summary: string;
    indicators: Array<{ label: string; value: number | string; target?: number | string; unit?: string }>;
  } | null;
}

const SIGNATURE = '\n\nConcerto, pour la Convention Territoriale Globale';

function mail(subject: string, body: string): Mail {
  return { subject, text: `Bonjour,\n\n${body}${SIGNATURE}` };
}

const what = (kind: CampaignKind, year: number) =>
  kind === 'finale' ? `le bilan de fin de convention (évaluation ${year})` : `l’évaluation ${year}`;

/** How an évaluation is recorded: the lifecycle's recordEvaluation step, over the HTTP API. */
function howTo(fiches: readonly CampaignFicheRef[], year: number, baseUrl: string): string {
  const lines = fiches.map(
    (f) => `- ${f.code} « ${f.title} » : POST ${baseUrl}/api/fiches/${f.ficheId}/actions/recordEvaluation`,
  );
  return (
    `${lines.join('\n')}\n\n` +
    `Pour chacune, donnez le bilan de l’année et la valeur de ses indicateurs d’évaluation, par exemple :\n` +
    `{"year": ${year}, "summary": "Ce qui a été fait, ce qui reste à faire", "indicators": [{"label": "Familles accueillies", "value": 12, "target": 10}], ` +
    `"actor": {"email": "…", "appRole": "cooperateur"}}\n\n` +
    `L’évaluation s’enregistre par un coopérateur de la CTG (ou un administrateur) : si vous n’en êtes pas un, ` +
    `envoyez ces éléments au chargé de coopération qui suit la fiche, il les saisira.`
  );
}

/** The opening of a campaign, to a pilot, for the fiches they pilot. */
export function campaignInvitation(
  kind: CampaignKind,
  year: number,
  fiches: readonly CampaignFicheRef[],
  deadline: Date,
  baseUrl: string,
  zone: string,
): Mail {
  const by = formatFrench(deadline, zone);
  const intro =
    kind === 'finale'
      ? `La Convention Territoriale Globale arrive à son terme : son bilan se prépare. Pour chaque fiche action que vous pilotez, renseignez l’évaluation ${year} — ce qui a été fait depuis le début de la convention, et ses indicateurs — avant le ${by} ; le bilan sera présenté au COPIL.`
      : `La campagne d’évaluation ${year} est ouverte. Pour chaque fiche action que vous pilotez, renseignez l’évaluation ${year} — ce qui a été fait et ses indicateurs — avant le ${by} ; la synthèse sera présentée au COPIL.`;
  const subject =
    kind === 'finale'
      ? `Bilan de la CTG : évaluation finale de vos fiches actions avant le ${by}`
      : `Évaluation ${year} de vos fiches actions à renseigner avant le ${by}`;
  return mail(subject, `${intro}\n\n${howTo(fiches, year, baseUrl)}`);
}

/** A reminder, to a pilot whose fiches still lack the year's évaluation. */
export function campaignReminder(
  kind: CampaignKind,
  year: number,
  fiches: readonly CampaignFicheRef[],
  deadline: Date,
  baseUrl: string,
  zone: string,
): Mail {
  const by = formatFrench(deadline, zone);
  const these = fiches.length === 1 ? 'la fiche suivante n’a' : 'les fiches suivantes n’ont';
  return mail(
    `Rappel : ${kind === 'finale' ? 'bilan de la CTG' : `évaluation ${year}`} à renseigner avant le ${by}`,
    `Pour ${what(kind, year)}, ${these} pas encore d’évaluation ${year} enregistrée. Elle est attendue avant le ${by}.\n\n${howTo(fiches, year, baseUrl)}`,
  );
}

function indicatorsLine(evaluation: NonNullable<ReviewedFiche['evaluation']>): string {
  if (evaluation.indicators.length === 0) return '';
  const parts = evaluation.indicators.map(
    (i) =>
      `${i.label} : ${i.value}${i.unit ? ` ${i.unit}` : ''}${i.target !== undefined ? ` (cible ${i.target}${i.unit ? ` ${i.unit}` : ''})` : ''}`,
  );
  return `\n    Indicateurs : ${parts.join(' ; ')}`;
}

/** Where the review is: on a COPIL meeting's ordre du jour, or a meeting still to be scheduled. */
export type ReviewPlace = { meetingTitle: string; startsAt: Date } | null;

/** The synthesis of a campaign, to the COPIL's members and the coordinators, at its deadline. */
export function reviewSummary(
  kind: CampaignKind,
  year: number,
  fiches: readonly ReviewedFiche[],
  place: ReviewPlace,
  zone: string,
): Mail {
  const answered = fiches.filter((f) => f.evaluation);
  const pending = fiches.filter((f) => !f.evaluation);
  const title =
    kind === 'finale'
      ? `Bilan de la Convention Territoriale Globale (évaluation ${year})`
      : `Revue annuelle des évaluations ${year}`;
  const where = place
    ? `Ce point est inscrit à l’ordre du jour de « ${place.meetingTitle} », le ${formatFrench(place.startsAt, zone, { withTime: true })}.`
    : 'Aucune réunion du COPIL n’est prévue : son secrétariat est invité à en planifier une, et ce point y sera inscrit.';
  const done = answered.map(
    (f) =>
      `- ${f.code} « ${f.title} » (pilote : ${f.pilotEmail}) : ${f.evaluation!.summary}${indicatorsLine(f.evaluation!)}`,
  );
  const missing = pending.map((f) => `- ${f.code} « ${f.title} » (pilote : ${f.pilotEmail})`);
  return mail(
    `${title} : synthèse pour le COPIL`,
    `${what(kind, year).charAt(0).toUpperCase()}${what(kind, year).slice(1)} est close : ${answered.length} fiche(s) sur ${fiches.length} évaluée(s). ${where}` +
      (done.length ? `\n\nÉvaluations reçues :\n${done.join('\n')}` : '') +
      (missing.length ? `\n\nSans évaluation à ce jour :\n${missing.join('\n')}` : ''),
  );
}

/** To the COPIL's secretary when no COPIL meeting is scheduled for the review. */
export function scheduleReviewRequest(kind: CampaignKind, year: number): Mail {
  const title =
    kind === 'finale' ? 'le bilan de la Convention Territoriale Globale' : `la revue annuelle des évaluations ${year}`;
  return mail(
    `COPIL à planifier pour ${title}`,
    `La campagne d’évaluation est close, mais aucune réunion du COPIL n’est prévue pour examiner ${title}. ` +
      `Planifiez-en une (en respectant le délai de convocation) : ce point sera inscrit à son ordre du jour dès qu’elle existe.`,
  );
}

/** To the coordinators and the COPIL once an amendment prolongs the convention. */
export function prolongationNotice(number: number, previousEnd: string, newEnd: string, motif: string): Mail {
  const day = (key: string) => formatFrenchDate(parseDateKey(key), { withWeekday: false });
  return mail(
    `Avenant n° ${number} : la convention est prolongée jusqu’au ${day(newEnd)}`,
    `L’avenant n° ${number} prolonge la Convention Territoriale Globale, qui devait prendre fin le ${day(previousEnd)}, jusqu’au ${day(newEnd)}.\n\nMotif : ${motif}\n\n` +
      'Le calendrier annuel et les campagnes d’évaluation se poursuivent jusqu’à la nouvelle date ; le bilan de fin de convention aura lieu dans sa dernière année.',
  );
}

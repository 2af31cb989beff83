import type { CampaignKind } from '../../../domain/convention-cycle.js';
import type { CampaignFicheRef, ConventionNoticeContent, ReviewedFiche } from '../../../domain/convention-notices.js';
import { formatFrench, formatFrenchDate, parseDateKey } from '../../../domain/paris-time.js';
import { paragraph, type Block } from '../mail-blocks.js';
import { composeNotice, type ComposedNotice } from './notice-mail.js';

/** The mails of the convention's cycle: French, for people. */

const what = (kind: CampaignKind, year: number) =>
  kind === 'finale' ? `le bilan de fin de convention (évaluation ${year})` : `l’évaluation ${year}`;

/** How an évaluation is recorded: the lifecycle's recordEvaluation step, over the HTTP API. */
function howTo(fiches: readonly CampaignFicheRef[], year: number, baseUrl: string): Block[] {
  return [
    {
      type: 'lines',
      lines: fiches.map(
        (f) => `- ${f.code} « ${f.title} » : POST ${baseUrl}/api/fiches/${f.ficheId}/actions/recordEvaluation`,
      ),
    },
    {
      type: 'lines',
      lines: [
        'Pour chacune, donnez le bilan de l’année et la valeur de ses indicateurs d’évaluation, par exemple :',
        `{"year": ${year}, "summary": "Ce qui a été fait, ce qui reste à faire", ` +
          `"indicators": [{"label": "Familles accueillies", "value": 12, "target": 10}], ` +
          `"actor": {"email": "…", "appRole": "cooperateur"}}`,
      ],
    },
    paragraph(
      'L’évaluation s’enregistre par un coopérateur de la CTG (ou un administrateur) : si vous n’en êtes pas un, ' +
        'envoyez ces éléments au chargé de coopération qui suit la fiche, il les saisira.',
    ),
  ];
}

/** The opening of a campaign, to a pilot, for the fiches they pilot. */
export function campaignInvitation(
  kind: CampaignKind,
  year: number,
  fiches: readonly CampaignFicheRef[],
  deadline: Date,
  baseUrl: string,
  zone: string,
): ComposedNotice {
  const by = formatFrench(deadline, zone);
  const intro =
    kind === 'finale'
      ? `La Convention Territoriale Globale arrive à son terme : son bilan se prépare. Pour chaque fiche action que ` +
        `vous pilotez, renseignez l’évaluation ${year} — ce qui a été fait depuis le début de la convention, et ses ` +
        `indicateurs — avant le ${by} ; le bilan sera présenté au COPIL.`
      : `La campagne d’évaluation ${year} est ouverte. Pour chaque fiche action que vous pilotez, renseignez ` +
        `l’évaluation ${year} — ce qui a été fait et ses indicateurs — avant le ${by} ; la synthèse sera présentée ` +
        `au COPIL.`;
  const subject =
    kind === 'finale'
      ? `Bilan de la CTG : évaluation finale de vos fiches actions avant le ${by}`
      : `Évaluation ${year} de vos fiches actions à renseigner avant le ${by}`;
  return composeNotice(subject, [paragraph(intro), ...howTo(fiches, year, baseUrl)]);
}

/** A reminder, to a pilot whose fiches still lack the year's évaluation. */
export function campaignReminder(
  kind: CampaignKind,
  year: number,
  fiches: readonly CampaignFicheRef[],
  deadline: Date,
  baseUrl: string,
  zone: string,
): ComposedNotice {
  const by = formatFrench(deadline, zone);
  const these = fiches.length === 1 ? 'la fiche suivante n’a' : 'les fiches suivantes n’ont';
  return composeNotice(
    `Rappel : ${kind === 'finale' ? 'bilan de la CTG' : `évaluation ${year}`} à renseigner avant le ${by}`,
    [
      paragraph(
        `Pour ${what(kind, year)}, ${these} pas encore d’évaluation ` +
          `${year} enregistrée. Elle est attendue avant le ${by}.`,
      ),
      ...howTo(fiches, year, baseUrl),
    ],
  );
}

/** An évaluation's indicators, on the line under its fiche. */
function indicatorsLine(evaluation: NonNullable<ReviewedFiche['evaluation']>): string[] {
  if (evaluation.indicators.length === 0) return [];
  const parts = evaluation.indicators.map(
    (i) =>
      `${i.label} : ${i.value}${i.unit ? ` ${i.unit}` : ''}${
        i.target !== undefined ? ` (cible ${i.target}${i.unit ? ` ${i.unit}` : ''})` : ''
      }`,
  );
  return [`    Indicateurs : ${parts.join(' ; ')}`];
}

/** A heading and its lines, when there are any. */
function linesUnder(heading: string, lines: string[]): Block[] {
  return lines.length ? [{ type: 'lines', lines: [heading, ...lines] }] : [];
}

/** The synthesis of a campaign, to the COPIL's members and the coordinators, at its deadline. */
export function reviewSummary(
  kind: CampaignKind,
  year: number,
  fiches: readonly ReviewedFiche[],
  place: { meetingTitle: string; startsAt: Date } | null,
  zone: string,
): ComposedNotice {
  const answered = fiches.filter((f) => f.evaluation);
  const pending = fiches.filter((f) => !f.evaluation);
  const title =
    kind === 'finale'
      ? `Bilan de la Convention Territoriale Globale (évaluation ${year})`
      : `Revue annuelle des évaluations ${year}`;
  const where = place
    ? `Ce point est inscrit à l’ordre du jour de « ${place.meetingTitle} ` +
      `», le ${formatFrench(place.startsAt, zone, { withTime: true })}.`
    : 'Aucune réunion du COPIL n’est prévue : son secrétariat ' +
      'est invité à en planifier une, et ce point y sera inscrit.';
  const done = answered.flatMap((f) => [
    `- ${f.code} « ${f.title} » (pilote : ${f.pilotEmail}) : ${f.evaluation!.summary}`,
    ...indicatorsLine(f.evaluation!),
  ]);
  const missing = pending.map((f) => `- ${f.code} « ${f.title} » (pilote : ${f.pilotEmail})`);
  const closed = what(kind, year);
  return composeNotice(`${title} : synthèse pour le COPIL`, [
    paragraph(
      `${closed.charAt(0).toUpperCase()}${closed.slice(1)} est close : ` +
        `${answered.length} fiche(s) sur ${fiches.length} évaluée(s). ${where}`,
    ),
    ...linesUnder('Évaluations reçues :', done),
    ...linesUnder('Sans évaluation à ce jour :', missing),
  ]);
}

/** To the COPIL's secretary when no COPIL meeting is scheduled for the review. */
export function scheduleReviewRequest(kind: CampaignKind, year: number): ComposedNotice {
  const title =
    kind === 'finale' ? 'le bilan de la Convention Territoriale Globale' : `la revue annuelle des évaluations ${year}`;
  return composeNotice(`COPIL à planifier pour ${title}`, [
    paragraph(
      `La campagne d’évaluation est close, mais aucune réunion du COPIL n’est prévue pour examiner ${title}. ` +
        `Planifiez-en une (en respectant le délai de convocation) : ` +
        `ce point sera inscrit à son ordre du jour dès qu’elle existe.`,
    ),
  ]);
}

/** To the coordinators and the COPIL once an amendment prolongs the convention. */
export function prolongationNotice(number: number, previousEnd: string, newEnd: string, motif: string): ComposedNotice {
  const day = (key: string) => formatFrenchDate(parseDateKey(key), { withWeekday: false });
  return composeNotice(`Avenant n° ${number} : la convention est prolongée jusqu’au ${day(newEnd)}`, [
    paragraph(
      `L’avenant n° ${number} prolonge la Convention Territoriale Globale, qui ` +
        `devait prendre fin le ${day(previousEnd)}, jusqu’au ${day(newEnd)}.`,
    ),
    paragraph(`Motif : ${motif}`),
    paragraph(
      'Le calendrier annuel et les campagnes d’évaluation se poursuivent jusqu’à la ' +
        'nouvelle date ; le bilan de fin de convention aura lieu dans sa dernière année.',
    ),
  ]);
}

/** To the coordinators once a prolongation avenant is proposed: the steps it waits for, and where to record them. */
export function amendmentProposedNotice(
  notice: Extract<ConventionNoticeContent, { kind: 'amendment-proposed' }>,
): ComposedNotice {
  const day = (key: string) => formatFrenchDate(parseDateKey(key), { withWeekday: false });
  return composeNotice(`Avenant n° ${notice.number} proposé : prolongation jusqu’au ${day(notice.newEnd)}`, [
    paragraph(
      `${notice.proposedBy} propose l’avenant n° ${notice.number}, qui prolongerait la Convention Territoriale ` +
        `Globale, dont la fin est fixée au ${day(notice.previousEnd)}, jusqu’au ${day(notice.newEnd)}.`,
    ),
    paragraph(`Motif : ${notice.motif}`),
    paragraph(
      'L’avenant est un projet : la date de fin ne change qu’une fois l’avenant validé par le conseil ' +
        'communautaire et par les conseils d’administration de la CAF et de la MSA, puis signé par les trois ' +
        'parties.',
    ),
    paragraph(`Enregistrez chaque délibération et chaque signature sur la page de la convention : ${notice.pageUrl}`),
  ]);
}

/** To the coordinators, months before the end date: prepare the renewal, or an avenant. */
export function termReminder(notice: Extract<ConventionNoticeContent, { kind: 'term-reminder' }>): ComposedNotice {
  const end = formatFrenchDate(parseDateKey(notice.endDate), { withWeekday: false });
  return composeNotice(`${notice.conventionName} : fin de la convention dans ${notice.monthsBefore} mois`, [
    paragraph(
      `La convention « ${notice.conventionName} » prend fin le ${end}. Préparez son renouvellement — une ` +
        'nouvelle convention, validée par le conseil communautaire et par les conseils d’administration de la ' +
        'CAF et de la MSA avant d’être signée — ou un avenant de prolongation, qui suit le même chemin.',
    ),
    paragraph(`Le chemin de signature de la convention et de ses avenants : ${notice.pageUrl}`),
    paragraph(
      'Un avenant de prolongation se propose depuis la section « Signature de la convention » de cette page ' +
        `(ou par l’API : POST ${notice.amendmentsUrl}).`,
    ),
  ]);
}

/** What the convention's cycle tells, from the facts its workflow decided. */
export function composeConventionNotice(notice: ConventionNoticeContent): ComposedNotice {
  switch (notice.kind) {
    case 'campaign-invitation':
    case 'campaign-reminder':
      return (notice.kind === 'campaign-invitation' ? campaignInvitation : campaignReminder)(
        notice.campaignKind,
        notice.year,
        notice.fiches,
        new Date(notice.deadline),
        notice.baseUrl,
        notice.zone,
      );
    case 'review-summary':
      return reviewSummary(
        notice.campaignKind,
        notice.year,
        notice.fiches,
        notice.place && { meetingTitle: notice.place.meetingTitle, startsAt: new Date(notice.place.startsAt) },
        notice.zone,
      );
    case 'schedule-review':
      return scheduleReviewRequest(notice.campaignKind, notice.year);
    case 'prolongation':
      return prolongationNotice(notice.number, notice.previousEnd, notice.newEnd, notice.motif);
    case 'amendment-proposed':
      return amendmentProposedNotice(notice);
    case 'term-reminder':
      return termReminder(notice);
  }
}

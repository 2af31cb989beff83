/**
 * The French pages a partner's opinion link opens (server/routes/opinion.ts), in the frame of
 * ./link-page-layout.ts: the fiche's content read-only and the opinion to give (favorable, réservé,
 * défavorable, with a comment), then what was recorded. No script: the form posts to the page's own
 * address.
 */
import type { FicheVersionView } from '../../domain/fiche-views.js';
import { AVIS_LABELS, PARTNER_LABELS, PARTNER_OPINION_LABELS } from '../../domain/lifecycle/labels.js';
import type { PartnerOpinion, VersionReview } from '../../domain/lifecycle/model.js';
import { PARTNER_OPINIONS, type Partner } from '../../domain/lifecycle/vocabulary.js';
import { contentList } from './fiche-page.js';
import { frenchInstant } from './format.js';
import { FORM_PAGE_STYLE, escapeHtml, pageCsp, renderPage } from './link-page-layout.js';

const OPINION_PAGE_STYLE = [
  FORM_PAGE_STYLE,
  'textarea{display:block;box-sizing:border-box;width:100%;font:inherit;padding:.5rem;margin:.25rem 0 1rem;' +
    'border:1px solid #3a3a3a;border-radius:.25rem}',
  'textarea:focus-visible{outline:3px solid #0a76f6;outline-offset:2px}',
  '.error{color:#ce0500;font-weight:600;margin:.25rem 0}',
  // One column on a phone: a field's label above its value.
  '@media (max-width:30rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}}',
].join('');

/** The Content-Security-Policy of these pages: nothing but their own inline style and form. */
export const OPINION_PAGE_CSP = pageCsp(OPINION_PAGE_STYLE);

/** The fiche as the link's page shows it. */
export interface OpinionFiche {
  code: string;
  title: string;
  version: number;
  partner: Partner;
  /** The version's content; undefined when the store has none. */
  content: FicheVersionView | undefined;
  /** The COTECH's avis on the version, and the other partner's opinion, when given. */
  review: VersionReview;
}

/** Input of {@link opinionPage}. */
export interface OpinionPageInput {
  fiche: OpinionFiche;
  email: string;
  /** What the form shows: what was just sent and refused. */
  values: { opinion?: string; comment?: string };
  /** A refusal: its message, and the message beside each field it is about. */
  error?: { message: string; fields: Readonly<Record<string, string>> };
}

const partnerOf = (fiche: OpinionFiche) => PARTNER_LABELS[fiche.partner];

/** The opinion form, below the fiche. Opening the page records nothing, since mail scanners open links too. */
export function opinionPage(input: OpinionPageInput): string {
  const { fiche, values, error } = input;
  const partner = partnerOf(fiche);
  const fieldError = (field: string) =>
    error?.fields[field] ? `<p class="error" id="${field}-err">${escapeHtml(error.fields[field])}</p>` : '';
  const describedBy = (field: string) => (error?.fields[field] ? ` aria-describedby="${field}-err"` : '');
  const radios = PARTNER_OPINIONS.map(
    (opinion) =>
      `<label><input type="radio" name="opinion" value="${opinion}" required` +
      `${values.opinion === opinion ? ' checked' : ''}>${escapeHtml(PARTNER_OPINION_LABELS[opinion])}</label>`,
  ).join('');
  return renderPage(
    `Avis de la ${partner} : ${fiche.code}`,
    [
      `<h1>Avis de la ${partner} sur la fiche ${escapeHtml(fiche.code)}</h1>`,
      error ? `<p class="note refused" role="alert">${escapeHtml(error.message)}</p>` : '',
      `<p>Demandé à <strong>${escapeHtml(input.email)}</strong>, référent de la ${partner}. Le COPIL statue sur ` +
        `la version ${fiche.version} au vu de l’avis de la CAF et de celui de la MSA.</p>`,
      ficheSection(fiche),
      '<h2 id="avis">Votre avis</h2>',
      // No action attribute: the form posts to the address of the page, whatever prefix a proxy adds.
      '<form method="post">',
      `<fieldset${describedBy('opinion')}><legend>Avis de la ${partner}</legend>${fieldError('opinion')}` +
        `<div class="choices">${radios}</div></fieldset>`,
      '<label for="comment">Commentaire</label>',
      '<p class="hint" id="comment-hint">Obligatoire pour un avis réservé ou défavorable : ' +
        'il dit pourquoi au COPIL.</p>',
      `<textarea id="comment" name="comment" rows="5" aria-describedby="comment-hint` +
        `${error?.fields.comment ? ' comment-err' : ''}">${escapeHtml(values.comment ?? '')}</textarea>` +
        fieldError('comment'),
      `<button type="submit">Enregistrer l’avis de la ${partner}</button>`,
      '</form>',
      '<p class="note">Rien n’est enregistré tant que vous n’avez pas cliqué sur le bouton. Ce lien ne sert ' +
        'qu’une fois.</p>',
    ],
    OPINION_PAGE_STYLE,
  );
}

/** Input of {@link opinionRecordedPage}. */
export interface OpinionRecordedPageInput {
  fiche: OpinionFiche;
  recorded: PartnerOpinion;
}

/** Shown once the opinion is recorded. */
export function opinionRecordedPage({ fiche, recorded }: OpinionRecordedPageInput): string {
  const partner = partnerOf(fiche);
  return renderPage(
    `Avis de la ${partner} enregistré`,
    [
      `<h1>Avis de la ${partner} enregistré</h1>`,
      `<p class="note" role="status">${escapeHtml(recordedSentence(fiche, recorded))}</p>`,
      recorded.comment ? `<p>Commentaire : ${escapeHtml(recorded.comment)}</p>` : '',
      '<p>Le COPIL le lira avant de statuer ; l’auteur de la fiche en est informé.</p>',
      ficheSection(fiche),
    ],
    OPINION_PAGE_STYLE,
  );
}

/** « L’avis de la CAF sur la fiche FA-… (version 1) est enregistré : réservé, le …, par … ». */
export function recordedSentence(fiche: Pick<OpinionFiche, 'code' | 'version' | 'partner'>, opinion: PartnerOpinion) {
  return (
    `L’avis de la ${PARTNER_LABELS[fiche.partner]} sur la fiche ${fiche.code} (version ${fiche.version}) est ` +
    `enregistré : ${PARTNER_OPINION_LABELS[opinion.opinion]}, le ${frenchInstant(opinion.at)}, par ${opinion.by}.`
  );
}

function ficheSection(fiche: OpinionFiche): string {
  const { review } = fiche;
  const facts: Array<[string, string]> = [
    ['Fiche', `${fiche.code} « ${fiche.title} »`],
    ['Version', String(fiche.version)],
  ];
  if (review.avis) facts.push(['Avis du COTECH', AVIS_LABELS[review.avis.outcome]]);
  for (const [other, opinion] of Object.entries(review.partnerOpinions) as Array<[Partner, PartnerOpinion]>) {
    if (other !== fiche.partner)
      facts.push([`Avis de la ${PARTNER_LABELS[other]}`, PARTNER_OPINION_LABELS[opinion.opinion]]);
  }
  const list = facts.map(([term, value]) => `<dt>${term}</dt><dd>${escapeHtml(value)}</dd>`).join('');
  return [
    `<section aria-labelledby="fiche"><h2 id="fiche">La fiche</h2><dl>${list}</dl>`,
    review.avis?.comment ? `<p>Commentaire du COTECH : ${escapeHtml(review.avis.comment)}</p>` : '',
    '<h3>Contenu</h3>',
    fiche.content ? contentList(fiche.content) : '<p>Aucun contenu enregistré.</p>',
    '</section>',
  ].join('');
}

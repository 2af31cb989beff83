import type { AvisOutcome, BureauOutcome, CopilOutcome, Partner, PartnerOpinionValue, Stage } from './vocabulary.js';

/** The lifecycle's values as French words, for mails, pages and the relevé de décisions. */
export const STAGE_LABELS: Record<Stage, string> = {
  brouillon: 'brouillon',
  soumise: 'soumise, en attente de l’avis du COTECH',
  attente_copil: 'en attente de la décision du COPIL',
  attente_bureau: 'en attente de la validation du Bureau communautaire',
  en_oeuvre: 'en œuvre',
  rejetee: 'rejetée par le COPIL',
  refusee: 'refusée par le Bureau communautaire',
  retiree: 'retirée',
  cloturee: 'clôturée',
};

export const AVIS_LABELS: Record<AvisOutcome, string> = {
  favorable: 'favorable',
  a_retravailler: 'à retravailler',
  defavorable: 'défavorable',
};
export const PARTNER_LABELS: Record<Partner, string> = { caf: 'CAF', msa: 'MSA' };
export const PARTNER_OPINION_LABELS: Record<PartnerOpinionValue, string> = {
  favorable: 'favorable',
  reserve: 'réservé',
  defavorable: 'défavorable',
};
export const COPIL_OUTCOME_LABELS: Record<CopilOutcome, string> = {
  adoptee: 'adoptée',
  ajournee: 'ajournée',
  rejetee: 'rejetée',
};
export const BUREAU_OUTCOME_LABELS: Record<BureauOutcome, string> = { validee: 'validée', refusee: 'refusée' };
/** Every body's outcome, as a relevé de décisions words it. */
export const DECISION_OUTCOME_LABELS: Readonly<Record<string, string>> = {
  ...AVIS_LABELS,
  ...COPIL_OUTCOME_LABELS,
  ...BUREAU_OUTCOME_LABELS,
};

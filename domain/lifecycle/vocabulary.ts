/** The words of the fiche lifecycle: its stages, its kinds of action, the outcomes of each body's decision. */
export const STAGES = [
  'brouillon',
  'soumise',
  'attente_copil',
  'attente_bureau',
  'en_oeuvre',
  'rejetee',
  'refusee',
  'retiree',
  'cloturee',
] as const;
export type Stage = (typeof STAGES)[number];

/** The stages a version goes through before it is validated; a first version's stage is also the fiche's. */
export const REVIEW_STAGES = ['brouillon', 'soumise', 'attente_copil', 'attente_bureau'] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];

/** Stages that admit no action at all. */
export const TERMINAL_STAGES = ['rejetee', 'refusee', 'retiree', 'cloturee'] as const;
export type TerminalStage = (typeof TERMINAL_STAGES)[number];

export const ACTION_KINDS = [
  'submit',
  'recordAvis',
  'recordPartnerOpinion',
  'recordCopilDecision',
  'recordBureauValidation',
  'requestAmendment',
  'withdraw',
  'recordEvaluation',
  'close',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const AVIS_OUTCOMES = ['favorable', 'a_retravailler', 'defavorable'] as const;
export type AvisOutcome = (typeof AVIS_OUTCOMES)[number];

export const PARTNERS = ['caf', 'msa'] as const;
export type Partner = (typeof PARTNERS)[number];

export const PARTNER_OPINIONS = ['favorable', 'reserve', 'defavorable'] as const;
export type PartnerOpinionValue = (typeof PARTNER_OPINIONS)[number];

export const COPIL_OUTCOMES = ['adoptee', 'ajournee', 'rejetee'] as const;
export type CopilOutcome = (typeof COPIL_OUTCOMES)[number];

export const BUREAU_OUTCOMES = ['validee', 'refusee'] as const;
export type BureauOutcome = (typeof BUREAU_OUTCOMES)[number];

export const APP_ROLES = ['cooperateur', 'secretaire_instance', 'membre', 'admin', 'partenaire'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/** Earliest and latest year an évaluation may concern. */
export const EVALUATION_YEARS = { min: 2000, max: 2100 } as const;

export function isTerminal(stage: Stage): stage is TerminalStage {
  return (TERMINAL_STAGES as readonly Stage[]).includes(stage);
}

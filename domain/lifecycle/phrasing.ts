import type { LifecyclePosition } from './model.js';
import { pendingStep } from './pending-step.js';
import { isTerminal, type ActionKind, type ReviewStage, type TerminalStage } from './vocabulary.js';

/** Where a fiche is, and why a step is refused there, in French sentences. */

const REVIEW_PHRASES: Record<ReviewStage, string> = {
  brouillon: 'est en brouillon',
  soumise: 'attend l’avis du COTECH',
  attente_copil: 'attend la décision du COPIL',
  attente_bureau: 'attend la validation du Bureau communautaire',
};

const TERMINAL_PHRASES: Record<TerminalStage, string> = {
  rejetee: 'La fiche a été rejetée par le COPIL',
  refusee: 'La fiche a été refusée par le Bureau communautaire',
  retiree: 'La fiche a été retirée',
  cloturee: 'La fiche est clôturée',
};

/** Where the fiche is, as the start of a French sentence. */
export function describeState(state: LifecyclePosition): string {
  if (isTerminal(state.stage)) return TERMINAL_PHRASES[state.stage];
  const review = state.review;
  if (state.versionInForce === null)
    return (
      `La version ${review?.version ?? state.latestVersion} de ` +
      `la fiche ${REVIEW_PHRASES[review?.stage ?? 'brouillon']}`
    );
  const inForce = `La fiche est en œuvre (version ${state.versionInForce} en vigueur)`;
  return review ? `${inForce} et son avenant, version ${review.version}, ${REVIEW_PHRASES[review.stage]}` : inForce;
}

export function wrongStageMessage(state: LifecyclePosition, kind: ActionKind): string {
  if (isTerminal(state.stage)) {
    return (
      `${describeState(state)} : elle n’admet plus aucune action ` +
      `; pour reprendre le projet, rédigez une nouvelle fiche.`
    );
  }
  const review = state.review;
  const amendment = state.versionInForce !== null && review !== null;
  const rules: Record<ActionKind, string> = {
    submit: 'seule une version en brouillon peut être soumise',
    recordAvis: 'l’avis du COTECH ne s’enregistre que sur une version soumise',
    recordPartnerOpinion:
      'les avis de la CAF et de la MSA s’enregistrent quand une ' +
      'version attend la décision du COPIL, après l’avis du COTECH',
    recordCopilDecision:
      'la décision du COPIL ne s’enregistre que sur une version qui l’attend, après l’avis du COTECH',
    recordBureauValidation:
      'la validation du Bureau communautaire ne s’enregistre que sur une version adoptée par le COPIL',
    requestAmendment: amendment
      ? 'un seul avenant à la fois : menez celui-ci à son terme ou retirez-le avant d’en demander un autre'
      : 'un avenant ne se demande que sur une fiche validée et en œuvre',
    withdraw: 'une fiche validée ne se retire pas : pour y mettre fin, clôturez-la',
    recordEvaluation: 'les évaluations ne s’enregistrent que sur une fiche validée et en œuvre',
    close: amendment
      ? 'retirez d’abord l’avenant en cours, ou attendez la fin de son examen, puis clôturez la fiche'
      : 'seule une fiche en œuvre peut être clôturée',
  };
  const next = pendingStep(state);
  return `${describeState(state)} : ${rules[kind]}.${next ? ` Prochaine étape : ${next.what}.` : ''}`;
}

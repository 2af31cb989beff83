import { INSTANCE_KIND_LABELS, type InstanceKind, type MemberRole } from './charter.js';
import {
  AVIS_LABELS,
  BUREAU_OUTCOME_LABELS,
  COPIL_OUTCOME_LABELS,
  PARTNER_LABELS,
  PARTNER_OPINION_LABELS,
  STAGE_LABELS,
} from './lifecycle/labels.js';
import type { Action, LifecycleState } from './lifecycle/model.js';

/** Who a notice is for; the worker turns it into addresses from the convention's members. */
export type Audience =
  | { kind: 'author' }
  | { kind: 'pilot' }
  /** The members of the fiche's GTT (all GTTs while the fiche has none). */
  | { kind: 'gtt' }
  | { kind: 'instance'; instanceKind: InstanceKind }
  | { kind: 'role'; instanceKind: InstanceKind; roles: MemberRole[] };

/** One notice: a short step name (part of its idempotency key), its audience, a French mail. */
export interface Notice {
  step: string;
  audience: Audience;
  subject: string;
  text: string;
}

export interface FicheRef {
  code: string;
  title: string;
}

const SIGNATURE = '\n\nConcerto, pour la Convention Territoriale Globale';

function fiche(ref: FicheRef, version: number): string {
  return `la fiche action ${ref.code} « ${ref.title} » (version ${version})`;
}

function withComment(comment: string | undefined): string {
  return comment ? `\n\nCommentaire : ${comment}` : '';
}

function notice(step: string, audience: Audience, subject: string, body: string): Notice {
  return { step, audience, subject, text: `Bonjour,\n\n${body}${SIGNATURE}` };
}

/**
 * Who is told what after an accepted action: `before` and `after` are the lifecycle states around
 * it. Pure, so the workflow decides the same notices on replay.
 */
export function noticesFor(action: Action, before: LifecycleState, after: LifecycleState, ref: FicheRef): Notice[] {
  const version = before.review?.version ?? after.review?.version ?? after.versionInForce ?? 1;
  const of = fiche(ref, version);
  const Of = of.charAt(0).toUpperCase() + of.slice(1);
  const author: Audience = { kind: 'author' };
  const gtt: Audience = { kind: 'gtt' };
  switch (action.kind) {
    case 'submit':
      return [
        notice(
          'soumission',
          { kind: 'instance', instanceKind: 'cotech' },
          `Fiche ${ref.code} soumise au COTECH`,
          `${Of} est soumise : elle sera inscrite à l’ordre du jour de la prochaine réunion du COTECH.`,
        ),
        notice(
          'soumission-auteur',
          author,
          `Votre fiche ${ref.code} est soumise`,
          `${Of} est soumise au COTECH, qui rendra son avis en réunion.`,
        ),
      ];
    case 'recordAvis': {
      const label = AVIS_LABELS[action.outcome];
      const told = [
        notice(
          'avis-cotech',
          author,
          `Avis du COTECH sur la fiche ${ref.code} : ${label}`,
          `Le COTECH a rendu son avis sur ${of} : ${label}.${withComment(action.comment)}`,
        ),
        notice(
          'avis-cotech-gtt',
          gtt,
          `Avis du COTECH sur la fiche ${ref.code} : ${label}`,
          `Le COTECH a rendu son avis sur ${of} : ${label}.${action.outcome === 'a_retravailler' ? ' Elle revient au GTT pour être retravaillée.' : ''}${withComment(action.comment)}`,
        ),
      ];
      if (action.outcome !== 'a_retravailler') {
        told.push(
          notice(
            'transmission-copil',
            { kind: 'instance', instanceKind: 'copil' },
            `Fiche ${ref.code} transmise au COPIL`,
            `${Of} est transmise au COPIL avec l’avis ${label} du COTECH. La CAF et la MSA sont invitées à donner leur avis avant la décision.`,
          ),
        );
      }
      return told;
    }
    case 'recordPartnerOpinion':
      return [
        notice(
          `avis-${action.partner}`,
          author,
          `Avis de la ${PARTNER_LABELS[action.partner]} sur la fiche ${ref.code}`,
          `La ${PARTNER_LABELS[action.partner]} a donné son avis sur ${of} : ${PARTNER_OPINION_LABELS[action.opinion]}.${withComment(action.comment)}`,
        ),
      ];
    case 'recordCopilDecision': {
      const label = COPIL_OUTCOME_LABELS[action.outcome];
      const told = [
        notice(
          'decision-copil',
          author,
          `Décision du COPIL sur la fiche ${ref.code} : ${label}`,
          `Le COPIL a décidé sur ${of} : ${label}.${withComment(action.comment)}`,
        ),
        notice(
          'decision-copil-gtt',
          gtt,
          `Décision du COPIL sur la fiche ${ref.code} : ${label}`,
          `Le COPIL a décidé sur ${of} : ${label}.${withComment(action.comment)}`,
        ),
      ];
      if (action.outcome === 'adoptee') {
        told.push(
          notice(
            'transmission-bureau',
            { kind: 'instance', instanceKind: 'bureau_communautaire' },
            `Fiche ${ref.code} à valider`,
            `${Of}, adoptée par le COPIL, est soumise à la validation du Bureau communautaire.`,
          ),
        );
      }
      return told;
    }
    case 'recordBureauValidation': {
      const label = BUREAU_OUTCOME_LABELS[action.outcome];
      const told = [
        notice(
          'validation-bureau',
          author,
          `Fiche ${ref.code} ${label} par le Bureau communautaire`,
          `Le Bureau communautaire a statué sur ${of} : ${label}.${withComment(action.comment)}`,
        ),
        notice(
          'validation-bureau-gtt',
          gtt,
          `Fiche ${ref.code} ${label} par le Bureau communautaire`,
          `Le Bureau communautaire a statué sur ${of} : ${label}.${withComment(action.comment)}`,
        ),
      ];
      if (action.outcome === 'validee') {
        told.push(
          notice(
            'mise-en-oeuvre',
            { kind: 'pilot' },
            `Fiche ${ref.code} : mise en œuvre`,
            `${Of} est validée et entre en œuvre. Vous en êtes le pilote : une évaluation vous sera demandée chaque année.`,
          ),
        );
      }
      return told;
    }
    case 'requestAmendment':
      return [
        notice(
          'avenant',
          gtt,
          `Avenant à la fiche ${ref.code}`,
          `Une nouvelle version (${after.latestVersion}) de la fiche ${ref.code} « ${ref.title} » est ouverte : ${action.summary}. La version ${after.versionInForce ?? ''} reste en vigueur jusqu’à la validation de la nouvelle.`,
        ),
      ];
    case 'withdraw':
      return [
        notice('retrait', author, `Fiche ${ref.code} retirée`, `${Of} est retirée : ${action.reason}.`),
        notice('retrait-gtt', gtt, `Fiche ${ref.code} retirée`, `${Of} est retirée : ${action.reason}.`),
      ];
    case 'recordEvaluation':
      return [
        notice(
          `evaluation-${action.year}`,
          author,
          `Évaluation ${action.year} de la fiche ${ref.code}`,
          `L’évaluation ${action.year} de la fiche ${ref.code} « ${ref.title} » est enregistrée : ${action.summary}`,
        ),
      ];
    case 'close':
      return [
        notice(
          'cloture',
          author,
          `Fiche ${ref.code} clôturée`,
          `La fiche ${ref.code} « ${ref.title} » est clôturée : ${action.reason}.`,
        ),
        notice(
          'cloture-gtt',
          gtt,
          `Fiche ${ref.code} clôturée`,
          `La fiche ${ref.code} « ${ref.title} » est clôturée : ${action.reason}.`,
        ),
      ];
  }
}

/** The reminder to a body's secretary the day after a meeting with no decision recorded. */
export function reminderNotice(
  instanceKind: InstanceKind,
  ref: FicheRef,
  version: number,
  meetingTitle: string,
  state: LifecycleState,
): Notice {
  return notice(
    `rappel-${instanceKind}`,
    { kind: 'role', instanceKind, roles: ['secretaire'] },
    `Rappel : décision à enregistrer sur la fiche ${ref.code}`,
    `La réunion « ${meetingTitle} » a eu lieu, mais aucune décision n’est enregistrée sur ${fiche(ref, version)} (${STAGE_LABELS[state.stage]}). Enregistrez-la dans Concerto.`,
  );
}

/** The escalation to the coordinators when the decision is still missing. */
export function escalationNotice(
  instanceKind: InstanceKind,
  coordinators: Audience,
  ref: FicheRef,
  version: number,
  meetingTitle: string,
  days: number,
): Notice {
  return notice(
    `relance-${instanceKind}`,
    coordinators,
    `Relance : décision du ${INSTANCE_KIND_LABELS[instanceKind]} attendue sur la fiche ${ref.code}`,
    `${days} jours après la réunion « ${meetingTitle} », la décision du ${INSTANCE_KIND_LABELS[instanceKind]} sur ${fiche(ref, version)} n’est toujours pas enregistrée.`,
  );
}

/** The yearly reminder to the pilot of a fiche en œuvre. */
export function evaluationNotice(ref: FicheRef, year: number): Notice {
  return notice(
    `rappel-evaluation-${year}`,
    { kind: 'pilot' },
    `Évaluation ${year} de la fiche ${ref.code} à renseigner`,
    `Il est temps de renseigner l’évaluation ${year} de la fiche ${ref.code} « ${ref.title} » : ses indicateurs et ce qui a été fait.`,
  );
}

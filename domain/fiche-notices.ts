import type { Charter, InstanceKind, MemberRole } from './charter.js';
import type { Action } from './lifecycle/model.js';
import type { LifecycleState } from './lifecycle/model.js';
import type {
  AvisOutcome,
  BureauOutcome,
  CopilOutcome,
  Partner,
  PartnerOpinionValue,
  Stage,
} from './lifecycle/vocabulary.js';

/** Who a notice is for; the worker turns it into addresses from the convention's members. */
export type Audience =
  | { kind: 'author' }
  | { kind: 'pilot' }
  /** The members of the fiche's GTT (all GTTs while the fiche has none). */
  | { kind: 'gtt' }
  | { kind: 'instance'; instanceKind: InstanceKind }
  | { kind: 'role'; instanceKind: InstanceKind; roles: MemberRole[] }
  /** The referents of a partner: the people of a structure of that kind with a seat in the convention. */
  | { kind: 'partner'; partner: Partner };

export interface FicheRef {
  code: string;
  title: string;
}

/**
 * What a fiche's notice says, as facts: documents/mail/notices/ words it (subject, text, HTML)
 * when the mail activity sends it. `gtt` marks the GTT's copy where it says more than the author's.
 */
export type FicheNoticeContent = { topic: 'fiche'; fiche: FicheRef } & (
  | { kind: 'submitted'; version: number; to: 'cotech' | 'author' }
  | { kind: 'avis'; version: number; outcome: AvisOutcome; comment?: string; gtt: boolean }
  | { kind: 'sent-to-copil'; version: number; avis: AvisOutcome }
  | { kind: 'partner-opinion'; version: number; partner: Partner; opinion: PartnerOpinionValue; comment?: string }
  | { kind: 'copil-decision'; version: number; outcome: CopilOutcome; comment?: string }
  | { kind: 'sent-to-bureau'; version: number }
  | { kind: 'bureau-validation'; version: number; outcome: BureauOutcome; comment?: string }
  | { kind: 'implementation'; version: number }
  | { kind: 'amendment'; latestVersion: number; versionInForce: number | null; summary: string }
  | { kind: 'withdrawn'; version: number; reason: string }
  | { kind: 'evaluation-recorded'; year: number; summary: string }
  | { kind: 'closed'; reason: string }
  | { kind: 'decision-reminder'; version: number; instanceKind: InstanceKind; meetingTitle: string; stage: Stage }
  | { kind: 'escalation'; version: number; instanceKind: InstanceKind; meetingTitle: string; days: number }
  | { kind: 'evaluation-due'; year: number }
  | { kind: 'partner-opinions-missing'; version: number; partners: Partner[]; days: number }
);

/** Facts without the fiche, which every notice of a fiche carries. */
type Facts = FicheNoticeContent extends infer C ? (C extends unknown ? Omit<C, 'topic' | 'fiche'> : never) : never;

/** One notice: a short step name (part of its idempotency key), its audience, what it says. */
export interface Notice {
  step: string;
  audience: Audience;
  content: FicheNoticeContent;
}

function notice(step: string, audience: Audience, fiche: FicheRef, facts: Facts): Notice {
  return { step, audience, content: { topic: 'fiche', fiche, ...facts } as FicheNoticeContent };
}

const commented = (comment: string | undefined) => (comment ? { comment } : {});

/**
 * Who is told what after an accepted action: `before` and `after` are the lifecycle states around
 * it. Pure, so the workflow decides the same notices on replay. A fiche reaching a body is told to those who record
 * its decisions (the charter's `decisionRecorders`: its secretariat, its président): they prepare the meeting, and its
 * members read the fiche in the ordre du jour of their convocation, or of its update when the fiche joins later, rather
 * than in one more mail a fiche.
 */
export function noticesFor(
  action: Action,
  before: LifecycleState,
  after: LifecycleState,
  ref: FicheRef,
  charter: Pick<Charter, 'decisionRecorders'>,
): Notice[] {
  const version = before.review?.version ?? after.review?.version ?? after.versionInForce ?? 1;
  const author: Audience = { kind: 'author' };
  const gtt: Audience = { kind: 'gtt' };
  const recorders = (instanceKind: InstanceKind): Audience => ({
    kind: 'role',
    instanceKind,
    roles: charter.decisionRecorders[instanceKind] ?? ['secretaire'],
  });
  switch (action.kind) {
    case 'submit':
      return [
        notice('soumission', recorders('cotech'), ref, {
          kind: 'submitted',
          to: 'cotech',
          version,
        }),
        notice('soumission-auteur', author, ref, { kind: 'submitted', to: 'author', version }),
      ];
    case 'recordAvis': {
      const avis = { kind: 'avis', version, outcome: action.outcome, ...commented(action.comment) } as const;
      const told = [
        notice('avis-cotech', author, ref, { ...avis, gtt: false }),
        notice('avis-cotech-gtt', gtt, ref, { ...avis, gtt: true }),
      ];
      if (action.outcome !== 'a_retravailler')
        told.push(
          notice('transmission-copil', recorders('copil'), ref, {
            kind: 'sent-to-copil',
            version,
            avis: action.outcome,
          }),
        );
      return told;
    }
    case 'recordPartnerOpinion':
      return [
        notice(`avis-${action.partner}`, author, ref, {
          kind: 'partner-opinion',
          version,
          partner: action.partner,
          opinion: action.opinion,
          ...commented(action.comment),
        }),
      ];
    case 'recordCopilDecision': {
      const decision = {
        kind: 'copil-decision',
        version,
        outcome: action.outcome,
        ...commented(action.comment),
      } as const;
      const told = [notice('decision-copil', author, ref, decision), notice('decision-copil-gtt', gtt, ref, decision)];
      if (action.outcome === 'adoptee')
        told.push(
          notice('transmission-bureau', recorders('bureau_communautaire'), ref, {
            kind: 'sent-to-bureau',
            version,
          }),
        );
      return told;
    }
    case 'recordBureauValidation': {
      const validation = {
        kind: 'bureau-validation',
        version,
        outcome: action.outcome,
        ...commented(action.comment),
      } as const;
      const told = [
        notice('validation-bureau', author, ref, validation),
        notice('validation-bureau-gtt', gtt, ref, validation),
      ];
      if (action.outcome === 'validee')
        told.push(notice('mise-en-oeuvre', { kind: 'pilot' }, ref, { kind: 'implementation', version }));
      return told;
    }
    case 'requestAmendment':
      return [
        notice('avenant', gtt, ref, {
          kind: 'amendment',
          latestVersion: after.latestVersion,
          versionInForce: after.versionInForce,
          summary: action.summary,
        }),
      ];
    case 'withdraw':
      return [
        notice('retrait', author, ref, { kind: 'withdrawn', version, reason: action.reason }),
        notice('retrait-gtt', gtt, ref, { kind: 'withdrawn', version, reason: action.reason }),
      ];
    case 'recordEvaluation':
      return [
        notice(`evaluation-${action.year}`, author, ref, {
          kind: 'evaluation-recorded',
          year: action.year,
          summary: action.summary,
        }),
      ];
    case 'close':
      return [
        notice('cloture', author, ref, { kind: 'closed', reason: action.reason }),
        notice('cloture-gtt', gtt, ref, { kind: 'closed', reason: action.reason }),
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
  return notice(`rappel-${instanceKind}`, { kind: 'role', instanceKind, roles: ['secretaire'] }, ref, {
    kind: 'decision-reminder',
    version,
    instanceKind,
    meetingTitle,
    stage: state.stage,
  });
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
  return notice(`relance-${instanceKind}`, coordinators, ref, {
    kind: 'escalation',
    version,
    instanceKind,
    meetingTitle,
    days,
  });
}

/** The yearly reminder to the pilot of a fiche en œuvre. */
export function evaluationNotice(ref: FicheRef, year: number): Notice {
  return notice(`rappel-evaluation-${year}`, { kind: 'pilot' }, ref, { kind: 'evaluation-due', year });
}

/** The coordinators told that partners asked `days` ago still have not given their opinion. */
export function partnerOpinionsMissingNotice(
  coordinators: Audience,
  ref: FicheRef,
  version: number,
  partners: Partner[],
  days: number,
): Notice {
  return notice(`relance-avis-partenaires`, coordinators, ref, {
    kind: 'partner-opinions-missing',
    version,
    partners,
    days,
  });
}

import type {
  Action,
  Evaluation,
  HistoryEntry,
  Indicator,
  LifecycleState,
  PartnerOpinion,
  Recorded,
  ReviewComment,
  VersionReview,
} from './model.js';
import type { TerminalStage } from './vocabulary.js';

/** The lifecycle's moves: its first state, and the state after each accepted action. */

/** A new fiche: its first version, in brouillon with the GTT. */
export function initialState(): LifecycleState {
  return {
    stage: 'brouillon',
    versionInForce: null,
    latestVersion: 1,
    review: newReview(1),
    evaluations: [],
    history: [],
  };
}

function newReview(version: number, amendmentSummary?: string): VersionReview {
  return {
    version,
    stage: 'brouillon',
    ...(amendmentSummary ? { amendmentSummary } : {}),
    partnerOpinions: {},
    adjournments: 0,
    comments: [],
  };
}

function text(value: string | undefined): { comment?: string } {
  const trimmed = value?.trim();
  return trimmed ? { comment: trimmed } : {};
}

function unchecked(action: Action): never {
  throw new Error(`apply(${action.kind}) on a state check() refuses: call check() first.`);
}

/**
 * The state after `action`, recorded at `now` (ISO instant). Pure: `state` is left as is. Assumes
 * {@link check} accepted the action on this state.
 */
export function apply(state: LifecycleState, action: Action, now: string): LifecycleState {
  const recorded: Recorded = { by: action.actor.email, at: now };
  const review = state.review;
  const reviewed = (version: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
    action: action.kind,
    ...recorded,
    version,
    ...extra,
  });

  /** The version under review moves on; the fiche's stage follows a first version's. */
  const move = (next: VersionReview, entry: HistoryEntry): LifecycleState => ({
    ...state,
    stage: state.versionInForce === null ? next.stage : 'en_oeuvre',
    review: next,
    history: [...state.history, entry],
  });
  /** The version under review is dropped: a first version ends the fiche, an amendment leaves the one in force. */
  const end = (stage: TerminalStage, entry: HistoryEntry): LifecycleState => ({
    ...state,
    stage: state.versionInForce === null ? stage : 'en_oeuvre',
    review: null,
    history: [...state.history, entry],
  });
  const bodyComment = (from: ReviewComment['from'], outcome: string, value: string | undefined): ReviewComment[] => {
    const trimmed = value?.trim();
    return trimmed ? [{ from, outcome, text: trimmed, ...recorded }] : [];
  };

  switch (action.kind) {
    case 'submit':
      if (!review) return unchecked(action);
      return move({ ...review, stage: 'soumise' }, reviewed(review.version));

    case 'recordAvis': {
      if (!review) return unchecked(action);
      const entry = reviewed(review.version, { outcome: action.outcome, ...text(action.comment) });
      const comments = [...review.comments, ...bodyComment('cotech', action.outcome, action.comment)];
      if (action.outcome === 'a_retravailler') {
        const reworked: VersionReview = { ...review, stage: 'brouillon', comments };
        delete reworked.avis;
        return move(reworked, entry);
      }
      return move(
        {
          ...review,
          stage: 'attente_copil',
          avis: { outcome: action.outcome, ...recorded, ...text(action.comment) },
          comments,
        },
        entry,
      );
    }

    case 'recordPartnerOpinion': {
      if (!review) return unchecked(action);
      const opinion: PartnerOpinion = { opinion: action.opinion, ...recorded, ...text(action.comment) };
      return move(
        { ...review, partnerOpinions: { ...review.partnerOpinions, [action.partner]: opinion } },
        reviewed(review.version, { outcome: action.opinion, partner: action.partner, ...text(action.comment) }),
      );
    }

    case 'recordCopilDecision': {
      if (!review) return unchecked(action);
      const entry = reviewed(review.version, { outcome: action.outcome, ...text(action.comment) });
      const comments = [...review.comments, ...bodyComment('copil', action.outcome, action.comment)];
      if (action.outcome === 'rejetee') return end('rejetee', entry);
      if (action.outcome === 'ajournee')
        return move({ ...review, adjournments: review.adjournments + 1, comments }, entry);
      return move({ ...review, stage: 'attente_bureau', comments }, entry);
    }

    case 'recordBureauValidation': {
      if (!review) return unchecked(action);
      const entry = reviewed(review.version, { outcome: action.outcome, ...text(action.comment) });
      if (action.outcome === 'refusee') return end('refusee', entry);
      return {
        ...state,
        stage: 'en_oeuvre',
        versionInForce: review.version,
        review: null,
        history: [...state.history, entry],
      };
    }

    case 'requestAmendment': {
      const version = state.latestVersion + 1;
      return {
        ...state,
        latestVersion: version,
        review: newReview(version, action.summary.trim()),
        history: [...state.history, reviewed(version, text(action.summary))],
      };
    }

    case 'withdraw':
      if (!review) return unchecked(action);
      return end('retiree', reviewed(review.version, text(action.reason)));

    case 'recordEvaluation': {
      if (state.versionInForce === null) return unchecked(action);
      const evaluation: Evaluation = {
        year: action.year,
        version: state.versionInForce,
        summary: action.summary.trim(),
        ...(action.indicators?.length ? { indicators: action.indicators.map(cleanIndicator) } : {}),
        ...recorded,
      };
      return {
        ...state,
        evaluations: [...state.evaluations, evaluation].sort((a, b) => a.year - b.year),
        history: [...state.history, reviewed(state.versionInForce, { year: action.year, ...text(action.summary) })],
      };
    }

    case 'close':
      if (state.versionInForce === null) return unchecked(action);
      return {
        ...state,
        stage: 'cloturee',
        history: [...state.history, reviewed(state.versionInForce, text(action.reason))],
      };
  }
}

/** Keeps an indicator's defined fields only, so the state stays plain JSON. */
function cleanIndicator(indicator: Indicator): Indicator {
  return {
    label: indicator.label,
    value: indicator.value,
    ...(indicator.target !== undefined ? { target: indicator.target } : {}),
    ...(indicator.unit !== undefined ? { unit: indicator.unit } : {}),
  };
}

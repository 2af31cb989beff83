import type { WorkflowHandle } from '@temporalio/client';
import type { InstanceKind } from '../domain/charter.js';
import type { ActionOf, Actor } from '../domain/lifecycle/model.js';
import type { ActionKind } from '../domain/lifecycle/vocabulary.js';
import type { FicheState } from '../domain/fiche-views.js';
import { actionUpdates } from '../workflows/definitions.js';

/** What an action's update takes: the action without its kind. */
export type ActionInput<K extends ActionKind> = Omit<ActionOf<K>, 'kind'>;

/** Takes one lifecycle step on a fiche's workflow (its update) and answers with the fiche's new state. */
export function takeStep<K extends ActionKind>(
  handle: WorkflowHandle,
  kind: K,
  input: ActionInput<K>,
): Promise<FicheState> {
  return handle.executeUpdate(actionUpdates[kind] as never, { args: [input] as never }) as Promise<FicheState>;
}

/** How a caller takes a fiche through its review: on a real clock, a test server's, a benchmark's. */
export interface ReviewDriver<M> {
  act<K extends ActionKind>(kind: K, input: ActionInput<K>): Promise<FicheState>;
  /** Resolves once the fiche is on the agenda of a meeting of that body and the meeting has started. */
  holdMeeting(kind: InstanceKind): Promise<M>;
}

/** Who takes the steps from submission to validation. */
export type Reviewers = Record<'cooperateur' | 'secretaire' | 'secretaireBureau' | 'caf' | 'msa', Actor>;

/**
 * From brouillon to en œuvre (or, for an amendment, to the new version in force): submission, the
 * COTECH's avis at its meeting, the CAF's and the MSA's opinions, the COPIL's adoption and the
 * Bureau's validation at theirs.
 */
export async function driveToValidation<M>(
  driver: ReviewDriver<M>,
  people: Reviewers,
): Promise<{ cotech: M; copil: M; bureau: M; state: FicheState }> {
  await driver.act('submit', { actor: people.cooperateur });
  const cotech = await driver.holdMeeting('cotech');
  await driver.act('recordAvis', { actor: people.secretaire, outcome: 'favorable', comment: 'Fiche claire.' });
  await driver.act('recordPartnerOpinion', { actor: people.caf, partner: 'caf', opinion: 'favorable' });
  await driver.act('recordPartnerOpinion', {
    actor: people.msa,
    partner: 'msa',
    opinion: 'reserve',
    comment: 'Préciser les financeurs.',
  });
  const copil = await driver.holdMeeting('copil');
  await driver.act('recordCopilDecision', { actor: people.secretaire, outcome: 'adoptee' });
  const bureau = await driver.holdMeeting('bureau_communautaire');
  const state = await driver.act('recordBureauValidation', { actor: people.secretaireBureau, outcome: 'validee' });
  return { cotech, copil, bureau, state };
}

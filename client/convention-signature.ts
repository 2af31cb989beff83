import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  assertMayProposeAmendment,
  assertPathOpen,
  awaitedSteps,
  checkSignatureStep,
  parseOtherAmendment,
  parseSignatureStep,
  signatureStage,
  signedBeforeConcerto,
  type AmendmentFacts,
  type SignaturePath,
  type SignatureStage,
} from '../domain/convention-signature.js';
import type { Actor } from '../domain/lifecycle/model.js';
import { localDateKey } from '../domain/paris-time.js';
import type { Store } from '../store/index.js';
import type { ConventionSignature, SignatureStepOutcome } from '../store/conventions/signature-path.js';
import {
  amendmentSignedSignal,
  conventionWorkflowId,
  prolongUpdate,
  type ConventionCycleState,
} from '../workflows/convention-definitions.js';

/**
 * Records one step of the signature path of the convention (`version` 0) or of its avenant
 * `version`, after the domain's rules (who, in what order, which dates); null when the convention
 * has no such avenant. A prolongation the step brings into force is told to the convention's
 * cycle, which plans its campaigns and reminders from the new end date (a cycle not running reads
 * it when it starts).
 */
export async function recordConventionSignatureStep(
  deps: { client: Client; store: Store },
  conventionId: string,
  actor: Actor,
  version: number,
  body: unknown,
  now = new Date(),
): Promise<{ outcome: SignatureStepOutcome; signature: ConventionSignature } | null> {
  const input = parseSignatureStep(body);
  const before = await deps.store.conventions.loadSignature(conventionId);
  const path = before.paths.find((p) => p.version === version);
  if (!path) return null;
  assertPathOpen(before.status, path);
  const meeting =
    input.step === 'officielle' ? await deps.store.conventions.findSigningMeeting(conventionId, input.meetingId) : null;
  const date = checkSignatureStep(actor, path, input, localDateKey(now, before.zone), meeting);
  const outcome = await deps.store.conventions.recordSignatureStep({
    conventionId,
    version,
    step: input.step,
    party: input.step === 'officielle' ? null : input.party,
    date,
    reference: input.step === 'validation' ? input.reference : null,
    meetingId: input.step === 'officielle' ? input.meetingId : null,
    actorEmail: actor.email,
    at: now,
  });
  if (outcome.signedAmendment?.kind === 'prolongation') {
    await deps.client.workflow
      .getHandle(conventionWorkflowId(conventionId))
      .signal(amendmentSignedSignal, { number: outcome.signedAmendment.number })
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
  }
  return { outcome, signature: await deps.store.conventions.loadSignature(conventionId) };
}

/** Refuses a new avenant the actor may not propose now (see assertMayProposeAmendment). */
export async function checkNewAmendment(store: Store, conventionId: string, actor: Actor): Promise<void> {
  const { status, amendments } = await store.conventions.loadSignature(conventionId);
  assertMayProposeAmendment(actor, status, amendments);
}

/**
 * Proposes a prolongation (`newEndDate`, `motif`) to the convention's cycle, whose update checks
 * the dates: an avenant « projet » until the three parties signed it. Throws Temporal's
 * WorkflowNotFoundError when the cycle is not running.
 */
export async function proposeProlongation(
  deps: { client: Client; store: Store },
  conventionId: string,
  actor: Actor,
  body: unknown,
): Promise<ConventionCycleState> {
  await checkNewAmendment(deps.store, conventionId, actor);
  const { newEndDate, motif } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return deps.client.workflow.getHandle(conventionWorkflowId(conventionId)).executeUpdate(prolongUpdate, {
    args: [{ actor, newEndDate: String(newEndDate ?? ''), motif: String(motif ?? '') }],
  });
}

/**
 * Proposes an avenant other than a prolongation (its object and motif): written « projet », it
 * changes nothing until the three bodies validated it and the three parties signed it.
 */
export async function proposeOtherAmendment(
  store: Store,
  conventionId: string,
  actor: Actor,
  body: unknown,
  now = new Date(),
): Promise<{ number: number; title: string }> {
  await checkNewAmendment(store, conventionId, actor);
  const input = parseOtherAmendment(body);
  return store.conventions.proposeAmendment({
    conventionId,
    kind: 'autre',
    ...input,
    actorEmail: actor.email,
    idempotencyKey: `avenant:${conventionId}:${randomUUID()}`,
    at: now.toISOString(),
  });
}

/** A version's path with where it is and what it waits for, as the API and the page show it. */
export type DescribedPath = SignaturePath & {
  stage: SignatureStage;
  awaited: ReturnType<typeof awaitedSteps>;
  /** The convention was signed before Concerto took it on: its steps are not recorded here. */
  signedBeforeConcerto: boolean;
  amendment: AmendmentFacts | null;
};

/** The convention's signature with each path's stage and awaited steps. */
export function describeSignature(signature: ConventionSignature): Omit<ConventionSignature, 'paths'> & {
  paths: DescribedPath[];
} {
  return {
    ...signature,
    paths: signature.paths.map((path) => {
      const before = signedBeforeConcerto(signature.status, path);
      return {
        ...path,
        stage: before ? 'signee' : signatureStage(path),
        awaited: before ? [] : awaitedSteps(path),
        signedBeforeConcerto: before,
        amendment: signature.amendments.find((a) => a.number === path.version) ?? null,
      };
    }),
  };
}

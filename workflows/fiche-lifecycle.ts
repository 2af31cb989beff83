import { allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { AVIS_LABELS, assertMayRecordAvis, parseDecision, stageAfterAvis } from '../domain/fiche.js';
import { DomainError } from '../domain/errors.js';
import type { MailActivities } from '../activities/mail.js';
import type { StoreActivities } from '../activities/store.js';
import { ficheStateQuery, recordDecisionUpdate, type FicheLifecycleInput, type FicheState } from './definitions.js';
import { check } from './failures.js';

const store = proxyActivities<StoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Heartbeats let a new worker take over a send quickly when the one sending dies.
const mail = proxyActivities<MailActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * One fiche action, from submission to the COTECH's avis (the walking skeleton's slice of the
 * lifecycle): records the fiche, waits for the avis, records it, and tells the author.
 */
export async function ficheLifecycleWorkflow(input: FicheLifecycleInput): Promise<FicheState> {
  const { workflowId } = workflowInfo();
  const state: FicheState = { ficheId: input.ficheId, title: input.title, stage: 'soumise', decisions: [], notified: [] };
  let recording = false;

  setHandler(ficheStateQuery, () => state);
  setHandler(
    recordDecisionUpdate,
    async (raw) => {
      recording = true;
      const decision = parseDecision(raw);
      const decidedAt = new Date().toISOString();
      const next = stageAfterAvis(decision.outcome);
      try {
        await store.recordDecision({
          idempotencyKey: `${workflowId}:avis-cotech`,
          ficheId: input.ficheId,
          stage: state.stage,
          nextStage: next,
          decision,
          decidedAt,
        });
        state.decisions.push({
          outcome: decision.outcome,
          ...(decision.comment ? { comment: decision.comment } : {}),
          actorEmail: decision.actor.email,
          actorRole: decision.actor.role,
          decidedAt,
        });
        state.stage = next;
      } finally {
        // On failure nothing was recorded, so the next attempt may come in; on success the stage moved.
        recording = false;
      }
      return state;
    },
    {
      validator: (raw) =>
        check(() => {
          if (recording) throw new DomainError('ALREADY_IN_PROGRESS', 'Une décision est déjà en cours d’enregistrement pour cette fiche.');
          const decision = parseDecision(raw);
          assertMayRecordAvis(state.stage, decision.actor);
        }),
    },
  );

  state.code = (await store.saveFiche({ ...input, workflowId, status: state.stage })).code;
  await condition(() => state.stage !== 'soumise' && allHandlersFinished());

  const decision = state.decisions[state.decisions.length - 1]!;
  const key = `${workflowId}:avis-cotech:${input.authorEmail}`;
  await mail.sendNotification({
    idempotencyKey: key,
    to: input.authorEmail,
    subject: `Avis du COTECH sur la fiche « ${input.title} » : ${AVIS_LABELS[decision.outcome]}`,
    text: [
      'Bonjour,',
      '',
      `Le comité technique a rendu son avis sur la fiche action « ${input.title} » : ${AVIS_LABELS[decision.outcome]}.`,
      ...(decision.comment ? ['', `Commentaire : ${decision.comment}`] : []),
      '',
      'Concerto, pour la Convention Territoriale Globale',
    ].join('\n'),
  });
  state.notified.push(key);
  return state;
}

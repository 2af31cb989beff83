import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { DecisionInput } from '../../domain/fiche.js';
import { ficheStateQuery, recordDecisionUpdate, type FicheLifecycleInput } from '../../workflows/definitions.js';
import { ficheLifecycleWorkflow } from '../../workflows/fiche-lifecycle.js';
import { createTestConvention } from '../helpers/convention.js';

/**
 * What a scenario drives a workflow with: a client on a server whose worker polls `taskQueue`
 * with the real activities on `prisma`. The scenario creates the domain data it needs.
 */
export interface ScenarioContext {
  client: Client;
  taskQueue: string;
  /** The id to start the workflow with: replay hands the same id back to the workflow. */
  workflowId: string;
  prisma: PrismaClient;
}

/** Drives one workflow run to completion (or a stable waiting point) and returns its id. */
export type Scenario = (ctx: ScenarioContext) => Promise<string>;

/**
 * The workflow id a scenario's history is recorded under, and replayed with. Histories do not
 * carry the workflow id, and the lifecycle builds idempotency keys from it.
 */
export function historyWorkflowId(scenario: string): string {
  return `history-${scenario}`;
}

const SECRETARIAT = { email: 'secretariat@example.org', role: 'secretaire_instance' } as const;

async function startFiche(ctx: ScenarioContext, ficheId: string) {
  const convention = await createTestConvention(ctx.prisma, `ctg-${ficheId}`);
  const input: FicheLifecycleInput = {
    ficheId,
    conventionId: convention.id,
    title: 'Accueil des familles à Melle',
    authorEmail: 'cooperatrice@example.org',
  };
  const handle = await ctx.client.workflow.start(ficheLifecycleWorkflow, { taskQueue: ctx.taskQueue, workflowId: ctx.workflowId, args: [input] });
  // Deciding only once the fiche is recorded gives each re-recording the same history shape,
  // rather than one that depends on whether the update overtook the saveFiche activity.
  while ((await handle.query(ficheStateQuery)).code === undefined) await sleep(50);
  return handle;
}

async function decideAndFinish(ctx: ScenarioContext, ficheId: string, decision: DecisionInput): Promise<string> {
  const handle = await startFiche(ctx, ficheId);
  await handle.executeUpdate(recordDecisionUpdate, { args: [decision] });
  await handle.result();
  return handle.workflowId;
}

/**
 * Every scenario whose history is committed under test/fixtures/histories/<name>.json.
 * When the workflows change, this is the file to edit, then `npm run histories:record`.
 */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'avis-favorable': (ctx) => decideAndFinish(ctx, 'avis-favorable', { outcome: 'favorable', actor: SECRETARIAT }),

  'a-retravailler': (ctx) =>
    decideAndFinish(ctx, 'a-retravailler', { outcome: 'a_retravailler', comment: 'Préciser le public visé.', actor: SECRETARIAT }),

  'refusals-then-favorable': async (ctx) => {
    const handle = await startFiche(ctx, 'refusals-then-favorable');
    const refused = await handle
      .executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'favorable', actor: { email: 'membre@example.org', role: 'membre' } }] })
      .then(() => null, (error: unknown) => error);
    const code = refused instanceof WorkflowUpdateFailedError ? (refused.cause as { type?: string } | undefined)?.type : undefined;
    if (code !== 'ROLE_NOT_ALLOWED') {
      throw new Error(`A member's avis should have been refused with ROLE_NOT_ALLOWED by the validator, got ${String(refused)}`);
    }
    await handle.executeUpdate(recordDecisionUpdate, { args: [{ outcome: 'favorable', comment: 'Bien construite.', actor: SECRETARIAT }] });
    await handle.result();
    return handle.workflowId;
  },
};

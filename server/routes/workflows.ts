import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/index.js';
import {
  loadWorkflowTimeline,
  temporalUiLink,
  workflowHeading,
  type WorkflowTimeline,
} from '../../client/workflow-timeline.js';
import { HttpError } from '../errors.js';
import { route } from '../route.js';

/** Dependencies of {@link workflowRoutes}. */
export interface WorkflowRouteDependencies {
  client: Client;
  store: Store;
  /** The Temporal Web UI, for links to each workflow; null when unknown (a cluster without TEMPORAL_UI_URL). */
  temporalUiUrl?: string | null;
}

/** One workflow of the list: its timeline's heading, and its link in the Temporal Web UI. */
export type WorkflowSummary = Omit<WorkflowTimeline, 'entries'> & { temporalUiUrl: string | null };

const LIST_LIMIT = 200;

/**
 * The most recent workflows of the namespace (at most `limit`), newest first as visibility lists them (the SQLite
 * dev server refuses ORDER BY).
 */
export async function listWorkflows(deps: WorkflowRouteDependencies, limit = LIST_LIMIT): Promise<WorkflowSummary[]> {
  const namespace = deps.client.options.namespace;
  const found: WorkflowSummary[] = [];
  for await (const run of deps.client.workflow.list({ pageSize: Math.min(limit, 100) })) {
    found.push({
      ...workflowHeading(run),
      temporalUiUrl: temporalUiLink(deps.temporalUiUrl, namespace, run.workflowId, run.runId),
    });
    if (found.length >= limit) break;
  }
  return found;
}

/** A workflow's timeline, or a 404 naming what was asked. */
export async function workflowTimelineOr404(deps: WorkflowRouteDependencies, workflowId: string) {
  try {
    const timeline = await loadWorkflowTimeline(deps, workflowId);
    return {
      ...timeline,
      temporalUiUrl: temporalUiLink(deps.temporalUiUrl, deps.client.options.namespace, workflowId, timeline.runId),
    };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      throw new HttpError(404, 'NOT_FOUND', `Aucun processus ne porte l’identifiant « ${workflowId} ».`);
    throw error;
  }
}

/** GET /api/workflows and GET /api/workflows/:id/timeline: the admins' view of the processes (admins only). */
export const workflowRoutes: FastifyPluginAsync<WorkflowRouteDependencies> = async (app, deps) => {
  route(
    app,
    {
      method: 'GET',
      url: '/api/workflows',
      summary: 'The most recent workflows, with their links in the Temporal Web UI',
      tag: 'processus',
      access: 'admin',
      success: { status: 200, description: '{ workflows }' },
    },
    async () => ({ workflows: await listWorkflows(deps) }),
  );
  route<{ Params: { id: string } }>(
    app,
    {
      method: 'GET',
      url: '/api/workflows/:id/timeline',
      summary: 'A workflow’s history as a French timeline (who, what, when; mails with their ledger lines)',
      tag: 'processus',
      access: 'admin',
      success: {
        status: 200,
        description: '{ workflowId, runId, type, label, status, startedAt, closedAt, temporalUiUrl, entries }',
      },
      errors: [404],
    },
    async (request) => workflowTimelineOr404(deps, request.params.id),
  );
};

import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../generated/prisma/client.js';
import { findWorkflowMailLedger } from '../store/workflow-mail-ledger.js';
import { buildTimeline, WORKFLOW_LABELS, type TimelineEntry } from './history-timeline.js';

/** A workflow as the admin pages and `GET /api/workflows/:id/timeline` show it. */
export interface WorkflowTimeline {
  workflowId: string;
  runId: string;
  type: string;
  /** The workflow type in French. */
  label: string;
  /** RUNNING, COMPLETED, FAILED, … as Temporal says it. */
  status: string;
  startedAt: string;
  closedAt: string | null;
  entries: TimelineEntry[];
}

/**
 * The latest run of a workflow with its history as a French timeline and its mails' ledger lines.
 * Throws the client's WorkflowNotFoundError when there is no such workflow.
 */
export async function loadWorkflowTimeline(deps: { client: Client; prisma: PrismaClient }, workflowId: string): Promise<WorkflowTimeline> {
  const handle = deps.client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const [history, ledger] = await Promise.all([handle.fetchHistory(), findWorkflowMailLedger(deps.prisma, workflowId)]);
  return {
    workflowId,
    runId: description.runId,
    type: description.type,
    label: WORKFLOW_LABELS[description.type] ?? description.type,
    status: description.status.name,
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString() ?? null,
    entries: buildTimeline(workflowId, history, ledger),
  };
}

/** Link to a workflow in the Temporal Web UI, when its address is known. */
export function temporalUiLink(uiUrl: string | null | undefined, namespace: string, workflowId: string, runId?: string): string | null {
  if (!uiUrl) return null;
  const base = `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

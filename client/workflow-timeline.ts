import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Store } from '../store/index.js';
import { buildTimeline, type TimelineEntry } from './history-timeline.js';
import { WORKFLOW_LABELS } from './timeline-labels.js';

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
export async function loadWorkflowTimeline(
  deps: { client: Client; store: Pick<Store, 'mailLedger'> },
  workflowId: string,
): Promise<WorkflowTimeline> {
  const handle = deps.client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const [history, ledger] = await Promise.all([handle.fetchHistory(), deps.store.mailLedger.ofWorkflow(workflowId)]);
  return { ...workflowHeading(description), entries: buildTimeline(workflowId, history, ledger) };
}

/** What heads a workflow's timeline, and its line in the list of workflows: from its description or a listed run. */
export function workflowHeading(
  run: Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'type' | 'status' | 'startTime' | 'closeTime'>,
): Omit<WorkflowTimeline, 'entries'> {
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    type: run.type,
    label: WORKFLOW_LABELS[run.type] ?? run.type,
    status: run.status.name,
    startedAt: run.startTime.toISOString(),
    closedAt: run.closeTime?.toISOString() ?? null,
  };
}

/** Link to a workflow in the Temporal Web UI, when its address is known. */
export function temporalUiLink(
  uiUrl: string | null | undefined,
  namespace: string,
  workflowId: string,
  runId?: string,
): string | null {
  if (!uiUrl) return null;
  const base =
    `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}` +
    `/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

import type { Client } from '@temporalio/client';

export interface WorkflowSighting {
  workflowId: string;
  type: string;
  /** RUNNING, COMPLETED, FAILED, TERMINATED, TIMED_OUT, CANCELLED, CONTINUED_AS_NEW. */
  status: string;
  historyLength: number;
}

/**
 * Every workflow of the namespace (the run's own dev server holds no other). Visibility lags and
 * counts no events while a workflow runs: a running one is described for its true state.
 */
export async function surveyWorkflows(client: Client): Promise<WorkflowSighting[]> {
  const seen: WorkflowSighting[] = [];
  for await (const info of client.workflow.list()) {
    const { status, historyLength } =
      info.status.name === 'RUNNING' ? await client.workflow.getHandle(info.workflowId).describe() : info;
    seen.push({ workflowId: info.workflowId, type: info.type, status: status.name, historyLength });
  }
  return seen;
}

/** When each workflow's history last grew, from repeated surveys. */
export class ProgressWatch {
  private readonly grew = new Map<string, { length: number; at: number }>();

  observe(sightings: readonly WorkflowSighting[], now: number): void {
    for (const { workflowId, historyLength } of sightings) {
      const last = this.grew.get(workflowId);
      if (!last || historyLength > last.length) this.grew.set(workflowId, { length: historyLength, at: now });
    }
  }

  /** The running workflows whose history has not grown for `stallMs` (or never been seen to). */
  stalled(sightings: readonly WorkflowSighting[], now: number, stallMs: number): WorkflowSighting[] {
    return sightings.filter(
      (s) => s.status === 'RUNNING' && now - (this.grew.get(s.workflowId)?.at ?? Number.NEGATIVE_INFINITY) >= stallMs,
    );
  }
}

import type { Command } from './command.js';
import { fields } from './output.js';

/**
 * A workflow's French timeline as GET /api/workflows/:id/timeline gives it (built on branch
 * `pages`, client/workflow-timeline.ts); only what the CLI prints is named here.
 */
interface WorkflowTimeline {
  workflowId: string;
  label: string;
  status: string;
  temporalUiUrl?: string | null;
  entries: Array<{
    when: string;
    who: string;
    what: string;
    outcome: string;
    failed: boolean;
    mails?: Array<{
      recipient: string;
      subject: string;
      attempts: Array<{ label: string; when: string; error?: string }>;
    }>;
  }>;
}

function describeTimeline(timeline: WorkflowTimeline): string {
  const head = fields([
    ['Workflow', `${timeline.label} (${timeline.workflowId})`],
    ['État', timeline.status],
    ['Temporal', timeline.temporalUiUrl],
  ]);
  const lines = timeline.entries.flatMap((entry) => [
    `${entry.when} — ${entry.who} — ${entry.what}${entry.outcome ? ` : ${entry.outcome}` : ''}${
      entry.failed ? ' (échec)' : ''
    }`,
    ...(entry.mails ?? []).flatMap((mail, _, all) =>
      mail.attempts.map(
        (a) =>
          `    ${all.length > 1 ? `${mail.recipient}, ` : ''}${a.when} : ${a.label}${a.error ? ` (${a.error})` : ''}`,
      ),
    ),
  ]);
  return `${head}\n\n${lines.length ? lines.join('\n') : 'Rien encore dans cette histoire.'}`;
}

/** A workflow's history as a French timeline: who did what, when, reminders and mails included. */
export const historyCommands: Record<string, Command> = {
  history: {
    usage: 'history <workflow>',
    summary:
      'raconte l’histoire d’un workflow (fiche-…, meeting-…, poll-…) ' +
      ': qui, quoi, quand, rappels et courriels avec leurs envois',
    positionals: ['workflow'],
    async run({ positionals, api, out }) {
      const timeline = await api.json<WorkflowTimeline>(
        'GET',
        `/api/workflows/${encodeURIComponent(positionals[0]!)}/timeline`,
      );
      out.result(timeline, describeTimeline);
    },
  },
};

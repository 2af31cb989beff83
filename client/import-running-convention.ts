import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import {
  implementationStart,
  importedLifecycle,
  parseRunningConvention,
  type RunningPreview,
} from '../domain/running-convention.js';
import type { Store } from '../store/index.js';
import type { RunningImportResult } from '../store/conventions/import-running-convention.js';
import { ficheWorkflowId, type FicheLifecycleInput } from '../workflows/definitions.js';
import type { ficheLifecycleWorkflow } from '../workflows/fiche-lifecycle.js';
import { lifecycleSettings } from './start-fiche.js';

/** What an import of a running convention wrote and started. */
export type RunningImportSummary = RunningImportResult;

/**
 * Imports a convention that already runs (domain/running-convention.ts): checks the whole file,
 * writes its meetings, fiches and decisions in one transaction (nothing when any problem is found,
 * every problem listed with its JSON path), then starts each fiche's lifecycle workflow at its
 * stage, its input saying who imported it and when, so the workflow's history shows the import.
 */
export async function importRunningConvention(
  deps: { client: Client; store: Store; taskQueue: string },
  conventionId: string,
  input: unknown,
  importedBy: string,
): Promise<RunningImportSummary> {
  const at = new Date();
  const file = parseRunningConvention(input, at.toISOString());
  const fiches = file.fiches.map(() => {
    const ficheId = randomUUID();
    return { ficheId, workflowId: ficheWorkflowId(ficheId) };
  });
  const written = await deps.store.conventions.importRunning({ conventionId, file, fiches, importedBy, at });
  const settings = await lifecycleSettings(deps.store, conventionId);
  await Promise.all(
    written.fiches.map(async ({ ficheId, workflowId, title }, index) => {
      const fiche = file.fiches[index]!;
      const started = implementationStart(fiche);
      const workflowInput: FicheLifecycleInput = {
        ficheId,
        conventionId,
        title,
        authorEmail: fiche.authorEmail,
        ...settings,
        imported: {
          by: importedBy,
          at: at.toISOString(),
          lifecycle: importedLifecycle(fiche, { by: importedBy, at: at.toISOString() }),
          ...(started ? { implementationStartedAt: started } : {}),
        },
      };
      await deps.client.workflow.start<typeof ficheLifecycleWorkflow>('ficheLifecycleWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [workflowInput],
      });
    }),
  );
  return written;
}

/**
 * The dry run of {@link importRunningConvention}: the same checks of the file and of its references to
 * the setup (the same DomainError listing every problem), then what it would write, counted; nothing
 * is written and no workflow starts.
 */
export async function previewRunningConvention(
  deps: { store: Store },
  conventionId: string,
  input: unknown,
): Promise<RunningPreview> {
  const at = new Date();
  const file = parseRunningConvention(input, at.toISOString());
  return deps.store.conventions.previewRunning({ conventionId, file, at });
}

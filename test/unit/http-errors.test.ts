import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { toHttpError } from '../../server/errors.js';
import { ficheWorkflowId } from '../../workflows/definitions.js';
import { meetingWorkflowId } from '../../workflows/meeting-definitions.js';
import { planWorkflowId } from '../../workflows/plan-actions-definitions.js';
import { retentionWorkflowId } from '../../workflows/retention-definitions.js';

describe('toHttpError of a workflow not running', () => {
  const answer = (workflowId: string) =>
    toHttpError(new WorkflowNotFoundError('workflow not found', workflowId, undefined));

  it('names what is missing as people know it, whatever the workflow', () => {
    expect(answer(ficheWorkflowId('x'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: 'Aucune fiche ne porte cet identifiant.',
    });
    expect(answer(meetingWorkflowId('x')).message).toBe('Aucune réunion en cours ne porte cet identifiant.');
    expect(answer(planWorkflowId('x')).message).toMatch(/^Le plan d’actions n’est plus suivi/);
    expect(answer(retentionWorkflowId('x')).message).toBe('Aucun processus en cours ne porte cet identifiant.');
  });
});

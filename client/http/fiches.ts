import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { parseDecision, parseNewFiche } from '../../domain/fiche.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { resolveConvention } from '../../store/resolve-convention.js';
import {
  ficheStateQuery,
  ficheWorkflowId,
  recordDecisionUpdate,
  type FicheLifecycleInput,
} from '../../workflows/definitions.js';

const ID = /^[A-Za-z0-9-]{1,64}$/;

function handleFor(client: Client, id: string) {
  if (!ID.test(id)) return null;
  return client.workflow.getHandle(ficheWorkflowId(id));
}

/** Fiche endpoints: create (starts its workflow), read its state, record a decision (an update). */
export function registerFicheRoutes(
  app: FastifyInstance,
  deps: { client: Client; prisma: PrismaClient; taskQueue: string },
): void {
  app.post('/api/fiches', async (request, reply) => {
    const fiche = parseNewFiche(request.body);
    const convention = await resolveConvention(deps.prisma, (request.body as { convention?: unknown }).convention);
    const ficheId = randomUUID();
    const input: FicheLifecycleInput = { ficheId, conventionId: convention.id, ...fiche };
    const handle = await deps.client.workflow.start('ficheLifecycleWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: ficheWorkflowId(ficheId),
      args: [input],
    });
    return reply.code(201).send({ ficheId, workflowId: handle.workflowId });
  });

  app.get<{ Params: { id: string } }>('/api/fiches/:id', async (request, reply) => {
    const handle = handleFor(deps.client, request.params.id);
    if (!handle) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'Aucune fiche ne porte cet identifiant.' } });
    return handle.query(ficheStateQuery);
  });

  app.post<{ Params: { id: string } }>('/api/fiches/:id/decisions', async (request, reply) => {
    const handle = handleFor(deps.client, request.params.id);
    if (!handle) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'Aucune fiche ne porte cet identifiant.' } });
    // Checked here for a fast, precise answer; the workflow's validator checks again against its state.
    const decision = parseDecision(request.body);
    return handle.executeUpdate(recordDecisionUpdate, { args: [decision] });
  });
}

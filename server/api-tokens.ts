import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isoInstant, nonEmptyText, parseInput } from '../domain/validation.js';
import type { Store } from '../store/index.js';
import { requireViewer } from './auth.js';
import { HttpError } from './errors.js';

export const newApiTokenSchema = z.strictObject({
  label: nonEmptyText(100, { required: 'Donnez un nom au jeton (« label ») : à quoi, ou à quel script, il sert.' }),
  expiresAt: isoInstant('expiresAt').optional(),
});

/**
 * API tokens for scripts: a signed-in person creates tokens for themselves (`Authorization:
 * Bearer <token>` then acts as them, with their roles), lists them and revokes them. The secret is
 * in the answer of its creation only; the store keeps its hash.
 */
export function registerApiTokenRoutes(app: FastifyInstance, deps: { store: Store; now?: () => Date }): void {
  const now = deps.now ?? (() => new Date());

  app.post('/api/tokens', async (request, reply) => {
    const viewer = requireViewer(request);
    const input = parseInput(newApiTokenSchema, request.body, { what: 'le jeton' });
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : undefined;
    if (expiresAt && expiresAt <= now())
      throw new HttpError(400, 'INVALID_INPUT', '« expiresAt » est déjà passé : donnez une date à venir.', 'expiresAt');
    const created = await deps.store.access.createApiToken({
      personId: viewer.personId,
      label: input.label,
      ...(expiresAt ? { expiresAt } : {}),
    });
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  app.get('/api/tokens', async (request) => ({
    tokens: await deps.store.access.listApiTokens(requireViewer(request).personId),
  }));

  app.delete<{ Params: { id: string } }>('/api/tokens/:id', async (request, reply) => {
    const viewer = requireViewer(request);
    if (!(await deps.store.access.deleteApiToken(viewer.personId, request.params.id))) {
      throw new HttpError(404, 'NOT_FOUND', 'Vous n’avez aucun jeton portant cet identifiant.');
    }
    return reply.code(204).send();
  });
}

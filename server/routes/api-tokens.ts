import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isoInstant, nonEmptyText, parseInput } from '../../domain/validation.js';
import type { Store } from '../../store/index.js';
import { HttpError } from '../errors.js';
import { route, routeViewer } from '../route.js';

export const newApiTokenSchema = z.strictObject({
  label: nonEmptyText(100, { required: 'Donnez un nom au jeton (« label ») : à quoi, ou à quel script, il sert.' }),
  expiresAt: isoInstant('expiresAt').optional(),
});

/**
 * API tokens for scripts: a signed-in person creates tokens for themselves (`Authorization:
 * Bearer <token>` then acts as them, with their roles), lists them and revokes them. The secret is
 * in the answer of its creation only; the store keeps its hash.
 */
export const apiTokenRoutes: FastifyPluginAsync<{ store: Store; now?: () => Date }> = async (app, deps) => {
  const now = deps.now ?? (() => new Date());

  route(
    app,
    {
      method: 'POST',
      url: '/api/tokens',
      summary: 'Create an API token for oneself (shown once)',
      tag: 'accès',
      access: 'signed-in',
      body: { schema: newApiTokenSchema },
      success: { status: 201, description: '{ id, token, label, createdAt, expiresAt, lastUsedAt }' },
    },
    async (request, reply) => {
      const viewer = routeViewer(request);
      const input = parseInput(newApiTokenSchema, request.body, { what: 'le jeton' });
      const expiresAt = input.expiresAt ? new Date(input.expiresAt) : undefined;
      if (expiresAt && expiresAt <= now())
        throw new HttpError(
          400,
          'INVALID_INPUT',
          '« expiresAt » est déjà passé : donnez une date à venir.',
          'expiresAt',
        );
      const created = await deps.store.access.createApiToken({
        personId: viewer.personId,
        label: input.label,
        ...(expiresAt ? { expiresAt } : {}),
      });
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/tokens',
      summary: 'One’s API tokens (never their secret)',
      tag: 'accès',
      access: 'signed-in',
      success: { status: 200, description: '{ tokens }' },
    },
    async (request) => ({
      tokens: await deps.store.access.listApiTokens(routeViewer(request).personId),
    }),
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'DELETE',
      url: '/api/tokens/:id',
      summary: 'Revoke one of one’s API tokens',
      tag: 'accès',
      access: 'signed-in',
      success: { status: 204, description: 'Revoked' },
      errors: [404],
    },
    async (request, reply) => {
      const viewer = routeViewer(request);
      if (!(await deps.store.access.deleteApiToken(viewer.personId, request.params.id))) {
        throw new HttpError(404, 'NOT_FOUND', 'Vous n’avez aucun jeton portant cet identifiant.');
      }
      return reply.code(204).send();
    },
  );
};

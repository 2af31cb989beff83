import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { apiTokenExpiry, assertMayMintToken } from '../../domain/api-token-rules.js';
import { email, isoInstant, nonEmptyText, parseInput } from '../../domain/validation.js';
import type { Viewer } from '../../domain/access.js';
import type { Store } from '../../store/index.js';
import { HttpError } from '../errors.js';
import { route, routeViewer } from '../route.js';

export const newApiTokenSchema = z.strictObject({
  label: nonEmptyText(100, { required: 'Donnez un nom au jeton (« label ») : à quoi, ou à quel script, il sert.' }),
  expiresAt: isoInstant('expiresAt').optional(),
  /** Whose token it is (admins only): oneself when absent. */
  person: email().optional(),
});

/**
 * API tokens for scripts: a person signed in by a browser session creates tokens for themselves
 * (`Authorization: Bearer <token>` then acts as them, with their roles), an admin for anyone; a
 * token lives 90 days unless told otherwise, a year at most (domain/api-token-rules.ts), and never
 * makes another token. One lists and revokes one's own. The secret is in the answer of its creation
 * only; the store keeps its hash. Creations and revocations are in the audit log.
 */
export const apiTokenRoutes: FastifyPluginAsync<{ store: Store; now?: () => Date }> = async (app, deps) => {
  const now = deps.now ?? (() => new Date());

  route(
    app,
    {
      method: 'POST',
      url: '/api/tokens',
      summary: 'Create an API token (shown once): for oneself, or for someone else by an admin; never by a token',
      tag: 'accès',
      access: 'signed-in',
      body: { schema: newApiTokenSchema },
      success: { status: 201, description: '{ id, token, label, createdAt, expiresAt, lastUsedAt }' },
      errors: [404],
    },
    async (request, reply) => {
      const created = await mintApiToken(deps.store, routeViewer(request), request.body, now());
      return reply.code(201).send(created);
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
      await revokeApiToken(deps.store, routeViewer(request), request.params.id, now());
      return reply.code(204).send();
    },
  );
};

/**
 * Creates a token as POST /api/tokens does, for the API and the account page alike: the input
 * checked by {@link newApiTokenSchema}, who may mint it and its expiry by the domain's rules, the
 * creation in the audit log. The secret is in the answer only.
 */
export async function mintApiToken(store: Store, viewer: Viewer, body: unknown, at: Date) {
  const input = parseInput(newApiTokenSchema, body, { what: 'le jeton' });
  assertMayMintToken(viewer, input.person ?? viewer.email);
  const expiresAt = apiTokenExpiry(input.expiresAt ? new Date(input.expiresAt) : undefined, at);
  const owner = input.person ? await store.access.findPersonByEmail(input.person) : null;
  if (input.person && !owner)
    throw new HttpError(404, 'NOT_FOUND', `Personne n’a l’adresse ${input.person} : aucun jeton créé.`, 'person');
  const created = await store.access.createApiToken({
    personId: owner?.id ?? viewer.personId,
    label: input.label,
    expiresAt,
  });
  await store.audit.record({
    actor: viewer.email,
    action: 'token.create',
    subject: `person:${owner?.email ?? viewer.email}`,
    details: { tokenId: created.id, label: created.label, expiresAt: created.expiresAt },
    at,
  });
  return created;
}

/** Revokes one of the viewer's own tokens, as DELETE /api/tokens/:id does: a 404 for any other id. */
export async function revokeApiToken(store: Store, viewer: Viewer, tokenId: string, at: Date): Promise<void> {
  if (!(await store.access.deleteApiToken(viewer.personId, tokenId))) {
    throw new HttpError(404, 'NOT_FOUND', 'Vous n’avez aucun jeton portant cet identifiant.');
  }
  await store.audit.record({
    actor: viewer.email,
    action: 'token.revoke',
    subject: `person:${viewer.email}`,
    details: { tokenId },
    at,
  });
}

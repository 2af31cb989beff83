import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { createApiToken } from '../../store/access/api-tokens.js';
import { createSession } from '../../store/access/sessions.js';
import { SESSION_COOKIE } from '../../server/plugins/auth.js';

/** Headers that sign a request in. */
export type AuthHeaders = Record<string, string>;

async function personId(prisma: PrismaClient, email: string): Promise<string> {
  return (await prisma.person.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;
}

/** `Authorization` for a fresh API token of the person (who must exist). */
export async function tokenFor(prisma: PrismaClient, email: string): Promise<AuthHeaders> {
  const { token } = await createApiToken(prisma, { personId: await personId(prisma, email), label: 'test' });
  return { authorization: `Bearer ${token}` };
}

/**
 * A browser session of the person, as the sign-in link opens one (that flow has its own test):
 * the cookie, and the CSRF token `GET /auth/session` gives it.
 */
export async function signIn(app: FastifyInstance, prisma: PrismaClient, email: string): Promise<AuthHeaders> {
  const { token } = await createSession(prisma, await personId(prisma, email), new Date());
  const cookie = `${SESSION_COOKIE}=${token}`;
  const session = await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
  if (session.statusCode !== 200) throw new Error(`GET /auth/session answered ${session.statusCode}: ${session.body}`);
  return { cookie, 'x-csrf-token': session.json<{ csrfToken: string }>().csrfToken };
}

/** JSON request options, signed in with `auth`. */
export function jsonAs(auth: AuthHeaders, body: unknown): { headers: Record<string, string>; payload: string } {
  return { headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(body) };
}

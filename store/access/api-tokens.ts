import type { Viewer } from '../../domain/access.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { hashSecretToken, newSecretToken } from '../../infra/links/secret-tokens.js';

/** What API tokens start with, so one found in a log or a repository is recognised for what it is. */
export const API_TOKEN_PREFIX = 'cct_';

/** An API token as listed: never the secret itself, which is shown once, at its creation. */
export interface ApiTokenView {
  id: string;
  label: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

const VIEW = { id: true, label: true, createdAt: true, expiresAt: true, lastUsedAt: true } as const;

function view(row: {
  id: string;
  label: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}): ApiTokenView {
  return {
    id: row.id,
    label: row.label,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/** A new token for the person: the secret (to show once) and how it is listed. */
export async function createApiToken(
  prisma: PrismaClient,
  input: { personId: string; label: string; expiresAt?: Date },
): Promise<{ token: string } & ApiTokenView> {
  const { token, hash } = newSecretToken(API_TOKEN_PREFIX);
  const row = await prisma.apiToken.create({
    data: { tokenHash: hash, personId: input.personId, label: input.label, expiresAt: input.expiresAt ?? null },
    select: VIEW,
  });
  return { token, ...view(row) };
}

/** The person's tokens, newest first. */
export async function listApiTokens(prisma: PrismaClient, personId: string): Promise<ApiTokenView[]> {
  const rows = await prisma.apiToken.findMany({ where: { personId }, orderBy: { createdAt: 'desc' }, select: VIEW });
  return rows.map(view);
}

/** Revokes one of the person's tokens; false when they have none with that id. */
export async function deleteApiToken(prisma: PrismaClient, personId: string, id: string): Promise<boolean> {
  const { count } = await prisma.apiToken.deleteMany({ where: { id, personId } });
  return count > 0;
}

/** The address of the person whose token `token` is, while it is valid; else null. Marks no use. */
export async function apiTokenOwner(prisma: PrismaClient, token: string, now: Date): Promise<string | null> {
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: hashSecretToken(token) },
    select: { expiresAt: true, person: { select: { email: true } } },
  });
  return row && (!row.expiresAt || row.expiresAt > now) ? row.person.email : null;
}

/** The person an API token signs in, while it has not expired nor been revoked. */
export async function viewerOfApiToken(prisma: PrismaClient, token: string, now: Date): Promise<Viewer | null> {
  const tokenHash = hashSecretToken(token);
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash },
    select: { expiresAt: true, person: { select: { id: true, email: true, displayName: true, admin: true } } },
  });
  if (!row || (row.expiresAt && row.expiresAt <= now)) return null;
  // When it was last used, for the person's list; a lost write here changes nothing else.
  await prisma.apiToken.update({ where: { tokenHash }, data: { lastUsedAt: now } }).catch(() => undefined);
  const { id, email, displayName, admin } = row.person;
  return { personId: id, email, displayName, admin, via: 'token' };
}

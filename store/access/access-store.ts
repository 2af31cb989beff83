import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { apiTokenOwner, createApiToken, deleteApiToken, listApiTokens, viewerOfApiToken } from './api-tokens.js';
import { ensureAdmins } from './ensure-admins.js';
import { findActor } from './find-actor.js';
import { findPersonByEmail } from './find-person-by-email.js';
import { resolveActor } from './resolve-actor.js';
import { createSession, deleteSession, deleteSessionsOf, viewerOfSession } from './sessions.js';
import { claimSignInAttempt } from './sign-in-attempts.js';
import { signInWithLink } from './sign-in-with-link.js';
import { consumeLink, findLinkUse, releaseLink } from './used-links.js';

/**
 * Who may do what: sessions, sign-in and other single-use links, API tokens, admins, and the actor a
 * person is in a convention.
 */
export function createAccessStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    createSession: bind(createSession),
    viewerOfSession: bind(viewerOfSession),
    deleteSession: bind(deleteSession),
    deleteSessionsOf: bind(deleteSessionsOf),
    signInWithLink: bind(signInWithLink),
    claimSignInAttempt: bind(claimSignInAttempt),
    createApiToken: bind(createApiToken),
    listApiTokens: bind(listApiTokens),
    deleteApiToken: bind(deleteApiToken),
    apiTokenOwner: bind(apiTokenOwner),
    viewerOfApiToken: bind(viewerOfApiToken),
    ensureAdmins: bind(ensureAdmins),
    findPersonByEmail: bind(findPersonByEmail),
    findActor: bind(findActor),
    resolveActor: bind(resolveActor),
    consumeLink: bind(consumeLink),
    findLinkUse: bind(findLinkUse),
    releaseLink: bind(releaseLink),
  };
}

export type AccessStore = ReturnType<typeof createAccessStore>;

import type { FastifyInstance } from 'fastify';
import { sendPage } from '../pages/link-page-layout.js';
import { refusedPage } from '../pages/rsvp-pages.js';

/** How the pages of one kind of signed link answer what goes wrong. */
export interface LinkPageScopeOptions {
  /** The largest form the pages take, in bytes. */
  bodyLimit: number;
  /** The Content-Security-Policy of the pages. */
  csp: string;
  /** What to do when a request cannot be read. */
  askAgain: string;
  /** What the page says on an internal error: what failed, and what to do. */
  failed: { message: string; whatToDo: string };
  /** Names the pages in the log. */
  logAs: string;
}

/**
 * Prepares the plugin of a signed link's pages (server/routes/rsvp.ts, vote.ts, opinion.ts): their
 * forms are read as text, and every error is a French page rather than JSON, since a person, not a
 * program, opened the link.
 */
export function prepareLinkPageScope(scope: FastifyInstance, options: LinkPageScopeOptions): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: options.bodyLimit },
    (_request, body, done) => done(null, body),
  );
  scope.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const page = refusedPage({
        title: 'Requête non valide',
        message: 'Cette demande n’a pas pu être lue.',
        whatToDo: options.askAgain,
      });
      return sendPage(reply, status, page, options.csp);
    }
    request.log.error({ err: error }, `${options.logAs} failed`);
    return sendPage(reply, 500, refusedPage({ title: 'Erreur interne', ...options.failed }), options.csp);
  });
}

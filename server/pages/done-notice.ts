import type { FastifyReply } from 'fastify';

/**
 * After every action of a page, one way to say what happened (post/redirect/get): the POST answers
 * 303 to the page with `?fait=<what>`, and that page shows the sentence it keeps for `<what>` as
 * its notice ({@link AppPage.notice}, at the top of `main`, a status for screen readers). An error
 * is the form again with the message beside its field, or a page that says why.
 */
export const DONE_PARAM = 'fait';

/** Redirects to `path` saying that `done` was done; `fragment` is where on the page to land. */
export function redirectDone(reply: FastifyReply, path: string, done: string, fragment?: string) {
  const location = `${path}?${DONE_PARAM}=${encodeURIComponent(done)}${fragment ? `#${fragment}` : ''}`;
  return reply.code(303).header('location', location).send();
}

/** The sentence of the page's `?fait=`, among those it knows; null for none or another. */
export function doneNotice(done: string | undefined, notices: Readonly<Record<string, string>>): string | null {
  return done !== undefined && Object.hasOwn(notices, done) ? notices[done]! : null;
}

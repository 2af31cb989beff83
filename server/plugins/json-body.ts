import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';

/** How deep a JSON body may nest: more than any input needs, little enough for every parser after. */
export const MAX_JSON_DEPTH = 32;

/**
 * The depth of the deepest array or object in a JSON text, read without parsing it (so a text
 * nested a million deep costs one pass and no stack); stops counting past `limit`.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth--;
  }
  return deepest;
}

/** Refuses, as a French 400, a JSON text nested deeper than {@link MAX_JSON_DEPTH}. */
export function checkJsonDepth(text: string): void {
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new HttpError(
      400,
      'JSON_TOO_DEEP',
      `Le JSON envoyé est imbriqué sur plus de ${MAX_JSON_DEPTH} niveaux : aucune saisie n’en demande autant.`,
    );
  }
}

/**
 * JSON bodies through Fastify's own parser (its protection against `__proto__` kept), after
 * {@link checkJsonDepth}: a deeply nested body is a 400 before zod, Temporal or PostgreSQL see it.
 */
export function limitJsonDepth(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      checkJsonDepth(body as string);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    void parse(request, body as string, done);
  });
}

import type { FastifyInstance } from 'fastify';
import { toHttpError } from '../errors.js';

const FASTIFY_CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Le corps de la requête n’est pas un JSON valide.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Le corps de la requête est vide : envoyez un objet JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Le corps de la requête dépasse 1 Mo.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE:
    'Type de contenu non pris en charge : envoyez du JSON (Content-Type: application/json).',
};

/**
 * The API's answers to errors, as JSON (server/errors.ts): anything a client sends wrong is a 4xx
 * with a message for people, never a 500; an unknown address is a 404 naming it. Call it on the
 * root instance, before the routes: the pages and the signed-link pages set their own in their scope.
 */
export function handleErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    // Fastify's own client errors (malformed JSON, wrong content type, body too large) carry a 4xx.
    const { statusCode: status, code } = error as { statusCode?: number; code?: string };
    if (status && status >= 400 && status < 500) {
      const message = (code && FASTIFY_CLIENT_ERRORS[code]) ?? `Requête invalide : ${(error as Error).message}`;
      return reply.code(status).send({ error: { code: code ?? 'BAD_REQUEST', message } });
    }
    const mapped = toHttpError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    // RFC 6750: a 401 names the scheme that would do.
    if (mapped.status === 401) void reply.header('www-authenticate', 'Bearer realm="concerto"');
    return reply.code(mapped.status).send(mapped.toBody());
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'NOT_FOUND', message: `Rien à l’adresse ${request.method} ${request.url}.` } }),
  );
}

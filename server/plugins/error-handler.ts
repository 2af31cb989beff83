import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { MAX_PATH_PARAMETER } from '../../domain/validation.js';
import { HttpError, toHttpError, type ErrorBody } from '../errors.js';

/** What a body limit reads as: « 1 Mo », « 10 Mo », « 16 ko ». */
function size(bytes: number): string {
  return bytes >= 1_048_576 ? `${Math.round(bytes / 1_048_576)} Mo` : `${Math.round(bytes / 1024)} ko`;
}

/** Fastify's own client errors, in French; `limit` is the route's body limit. */
const FASTIFY_CLIENT_ERRORS: Record<string, (limit: number) => string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'Le corps de la requête n’est pas un JSON valide.',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'Le corps de la requête est vide : envoyez un objet JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: (limit) => `Le corps de la requête dépasse ${size(limit)} : allégez-le.`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    'Type de contenu non pris en charge : envoyez du JSON (Content-Type: application/json).',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    'La longueur annoncée (Content-Length) ne correspond pas au corps de la requête.',
  FST_ERR_CTP_INVALID_TYPE: () => 'Le type de contenu (Content-Type) de la requête est mal formé.',
  FST_ERR_CTP_EMPTY_TYPE: () => 'Le type de contenu (Content-Type) de la requête est vide.',
  FST_ERR_BAD_URL: () => 'L’adresse demandée est mal encodée (un « % » qui n’est suivi de rien de valide).',
  FST_ERR_MAX_PARAM_LENGTH: () =>
    `L’adresse demandée est trop longue : un de ses éléments dépasse ${MAX_PATH_PARAMETER} caractères.`,
  FST_ERR_ASYNC_CONSTRAINT: () => 'La requête n’a pas pu être aiguillée : réessayez.',
};

const STATUS_BY_FASTIFY_CODE: Record<string, number> = { FST_ERR_MAX_PARAM_LENGTH: 414, FST_ERR_BAD_URL: 400 };

/** The French body of a Fastify client error (4xx), in the shape of every error answer. */
export function fastifyClientError(error: FastifyError, request: FastifyRequest): { status: number; body: ErrorBody } {
  const status = STATUS_BY_FASTIFY_CODE[error.code] ?? error.statusCode ?? 400;
  const limit = request.routeOptions?.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 1_048_576;
  const message =
    FASTIFY_CLIENT_ERRORS[error.code]?.(limit) ??
    `La requête n’a pas pu être lue (${error.code ?? `statut ${status}`}) : vérifiez-la.`;
  return { status, body: { error: { code: error.code ?? 'BAD_REQUEST', message } } };
}

/**
 * The API's answers to errors, as JSON (server/errors.ts): anything a client sends wrong is a 4xx
 * with a message for people, never a 500; an unknown address is a 404 naming it. Call it on the
 * root instance, before the routes: the pages and the signed-link pages set their own in their scope.
 */
export function handleErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    // Fastify's own client errors (malformed JSON, wrong content type, body too large) carry a 4xx.
    const { statusCode: status } = error as { statusCode?: number };
    if (!(error instanceof HttpError || error instanceof DomainError) && status && status >= 400 && status < 500) {
      const answer = fastifyClientError(error as FastifyError, request);
      return reply.code(answer.status).send(answer.body);
    }
    const mapped = toHttpError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    // RFC 6750: a 401 names the scheme that would do.
    if (mapped.status === 401) void reply.header('www-authenticate', 'Bearer realm="concerto"');
    return reply.code(mapped.status).send(mapped.toBody());
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: { code: 'NOT_FOUND', message: `Rien à l’adresse ${request.method} ${request.url.slice(0, 200)}.` },
    }),
  );
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route or error handler (a badly
 * encoded URL, a path parameter beyond maxParamLength), answered in French like the rest.
 */
export function frenchFrameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const answer = fastifyClientError(error, request);
  void reply.code(answer.status).send(answer.body);
}

const RAW_CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'La requête a mis trop de temps à arriver : renvoyez-la.'],
  HPE_HEADER_OVERFLOW: [431, 'Les en-têtes de la requête (adresse comprise) sont trop longs : raccourcissez-la.'],
};

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before Fastify sees a request
 * (headers or request line too long, a malformed request), answered in French on the socket.
 */
export function frenchClientErrors(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, message] = RAW_CLIENT_ERRORS[error.code ?? ''] ?? [400, 'La requête HTTP est mal formée.'];
  const body = JSON.stringify({ error: { code: error.code ?? 'BAD_REQUEST', message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

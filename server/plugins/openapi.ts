/**
 * The OpenAPI 3.1 document of the HTTP API (`GET /api/openapi.json`), generated from what is
 * registered: each route's declaration (../route.ts), collected as Fastify adds it (`onRoute`) —
 * its summary, access and body, whose schemas are the zod objects the route parses with, turned
 * into JSON Schema 2020-12 (OpenAPI 3.1's dialect) by `z.toJSONSchema`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../errors.js';
import { paramsSchema, route, type Access, type BodyDoc, type RouteDeclaration } from '../route.js';
import { CSRF_HEADER, SESSION_COOKIE } from './auth.js';

/** A registered route: Fastify's method and URL pattern (`/api/fiches/:id`), and its declaration. */
export interface RegisteredRoute {
  method: string;
  url: string;
  declaration: RouteDeclaration;
}

/**
 * Collects every route `app` registers from now on: call it before registering any. A route
 * registered without its declaration (a plain `app.get`, not ../route.ts) stops the start-up.
 */
export function collectRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (options) => {
    for (const method of [options.method].flat()) {
      // HEAD twins of GET routes are Fastify's own; OPTIONS is not served.
      if (method === 'HEAD') continue;
      const declaration = options.config?.declaration;
      if (!declaration)
        throw new Error(`${method} ${options.url} is registered without a declaration: register it with route().`);
      routes.push({ method, url: options.url, declaration });
    }
  });
  return routes;
}

const ACCESS_TEXT: Record<Access, string> = {
  public: 'Anyone.',
  link: 'Whoever holds the signed link or tokenised address in the URL.',
  'signed-in': 'Anyone signed in.',
  convention: 'A person of the convention concerned (a seat in one of its instances), or an admin.',
  domain:
    'A person of the convention; the domain rules then decide by their role, the stage and the moment (403, 409, 422).',
  steward: 'The convention’s coopérateurs and the admins.',
  admin: 'The admins.',
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad input: `fields` lists every field at fault with what to change',
  401: 'Nobody signed in (or a bad, expired or revoked API token)',
  403:
    'Not allowed for this person (ROLE_NOT_ALLOWED), or a cookie request without its CSRF token ' +
    '(CSRF_TOKEN_INVALID)',
  404: 'Nothing with this identifier',
  409: 'Not at this stage or moment, or already done',
  410: 'The link has expired, or what it names is gone',
  415: 'Unsupported content type',
  422: 'Breaks a rule of the convention (charter, convocation delay)',
};

const ERROR_BODY = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          description:
            'For programs: INVALID_INPUT, UNAUTHENTICATED, ROLE_NOT_ALLOWED, ' +
            'CSRF_TOKEN_INVALID, NOT_FOUND, WRONG_STAGE…',
        },
        message: { type: 'string', description: 'For people, in French: what happened and what to do' },
        field: { type: 'string', description: 'The first field at fault' },
        issues: { $ref: '#/components/schemas/FieldIssues' },
        fields: { $ref: '#/components/schemas/FieldIssues' },
      },
    },
  },
} as const;

type JsonSchema = Record<string, unknown>;

/** A route's body schema as JSON Schema, without the fields the server sets itself. */
function bodySchema(body: BodyDoc): JsonSchema {
  if (!body.schema) return { type: 'string' };
  const parts = [body.schema].flat().map((schema) => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    delete json.$schema;
    const properties = json.properties as Record<string, unknown> | undefined;
    for (const field of body.omit ?? []) delete properties?.[field];
    if (Array.isArray(json.required))
      json.required = json.required.filter((field: string) => !body.omit?.includes(field));
    return json;
  });
  return parts.length === 1 ? parts[0]! : { allOf: parts };
}

/** A path parameter's JSON Schema, from the schema the route checks it with. */
function paramSchema(doc: RouteDeclaration, name: string): JsonSchema {
  const schema = paramsSchema(doc)?.shape[name] as z.ZodType | undefined;
  return schema ? jsonSchemaOf(schema) : { type: 'string' };
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The query parameters a route declares, each with its schema and its description. */
function queryParameters(doc: RouteDeclaration): JsonSchema[] {
  return Object.entries(doc.query?.shape ?? {}).map(([name, schema]) => {
    const { description, ...json } = jsonSchemaOf(schema as z.ZodType);
    return {
      name,
      in: 'query',
      required: !(schema as z.ZodType).safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: json,
    };
  });
}

function operation(registered: RegisteredRoute, path: string, body: BodyDoc | undefined): JsonSchema {
  const doc = registered.declaration;
  const open = doc.access === 'public' || doc.access === 'link';
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const query = queryParameters(doc);
  const errors = new Set<number>([
    ...(body || params.length || query.length ? [400] : []),
    ...(open ? [] : [401]),
    ...(open || doc.access === 'signed-in' ? [] : [403]),
    ...(doc.errors ?? []),
  ]);
  const responses: JsonSchema = {
    [doc.success.status]: {
      description: doc.success.description,
      ...(doc.success.status === 204 || doc.success.status === 303
        ? {}
        : { content: { [doc.success.contentType ?? 'application/json']: { schema: {} } } }),
    },
  };
  for (const status of [...errors].sort()) {
    responses[status] = {
      description: STATUS_TEXT[status] ?? 'Client error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    };
  }
  return {
    operationId: `${registered.method.toLowerCase()}${path
      .replace(/\.(\w+)/g, '_$1')
      .split(/[^A-Za-z0-9]+/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join('')}`,
    summary: doc.summary,
    description: [doc.description, `Access: ${ACCESS_TEXT[doc.access]}`].filter(Boolean).join('\n\n'),
    tags: [doc.tag],
    security: open ? [] : [{ sessionCookie: [] }, { bearerToken: [] }],
    'x-route': `${registered.method} ${registered.url}`,
    'x-access': doc.access,
    ...(params.length || query.length
      ? {
          parameters: [
            ...params.map((name) => ({ name, in: 'path', required: true, schema: paramSchema(doc, name) })),
            ...query,
          ],
        }
      : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            ...(body.description ? { description: body.description } : {}),
            content: { [body.contentType ?? 'application/json']: { schema: bodySchema(body) } },
          },
        }
      : {}),
    responses,
  };
}

/** The document for the routes given. */
export function buildOpenApiDocument(routes: readonly RegisteredRoute[], info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const registered of routes) {
    const doc = registered.declaration;
    const path = registered.url.replace(/:(\w+)/g, '{$1}');
    const variants = doc.variants
      ? Object.entries(doc.variants.bodies).map(
          ([value, body]) => [path.replace(`{${doc.variants!.param}}`, value), body] as const,
        )
      : [[path, doc.body] as const];
    for (const [variantPath, body] of variants) {
      (paths[variantPath] ??= {})[registered.method.toLowerCase()] = operation(registered, variantPath, body);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Concerto',
      version: info.version,
      description:
        'The governance of a Convention Territoriale Globale: fiches actions, meetings, date polls, calendars. ' +
        `Sign in by a link sent by mail (POST /auth/sign-in), which sets the cookie ${SESSION_COOKIE}; unsafe ` +
        `requests signed in by it carry the header ${CSRF_HEADER} ` +
        '(GET /auth/session gives it). Scripts send an API token: Authorization: Bearer cct_… (POST /api/tokens). ' +
        'Messages for people are in French.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token (cct_…)' },
      },
      schemas: {
        ErrorBody: ERROR_BODY,
        FieldIssues: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  };
}

/** Serves the document, built once on first request (every route is registered by then). */
export function registerOpenApiRoute(
  app: FastifyInstance,
  routes: readonly RegisteredRoute[],
  info: { version: string },
): void {
  let document: JsonSchema | undefined;
  route(
    app,
    {
      method: 'GET',
      url: '/api/openapi.json',
      summary: 'This document',
      tag: 'système',
      access: 'public',
      success: { status: 200, description: 'OpenAPI 3.1' },
    },
    async () => {
      try {
        document ??= buildOpenApiDocument(routes, info);
      } catch (error) {
        throw new HttpError(500, 'INTERNAL', `Document OpenAPI incomplet : ${(error as Error).message}`);
      }
      return document;
    },
  );
}

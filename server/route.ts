/**
 * A route that declares itself where it is registered: what it is (summary, tag), who may call it,
 * the zod schema its body is parsed with (the same object its handler parses with, so the
 * document cannot drift from the checks) and what it answers. The access it declares is enforced
 * by a preHandler derived from it; the OpenAPI document (./plugins/openapi.ts) is built from the
 * declarations, and a route registered without one fails at start-up.
 */
import type {
  FastifyInstance,
  FastifyRequest,
  HTTPMethods,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import { z } from 'zod';
import type { Viewer } from '../domain/access.js';
import type { Actor } from '../domain/lifecycle/model.js';
import { parseInput, pathParameter } from '../domain/validation.js';
import { toHttpError } from './errors.js';
import { requireAdmin, requireViewer } from './plugins/auth.js';

/**
 * Who may call a route: `public` anyone; `link` whoever holds the signed link or tokenised
 * address in it; `signed-in` anyone signed in; `convention` a person of the convention concerned;
 * `domain` a person of the convention, then the domain rules of the step (role, stage, moment);
 * `steward` the convention's coopérateurs and the admins; `admin` the admins.
 */
export const ACCESS_LEVELS = ['public', 'link', 'signed-in', 'convention', 'domain', 'steward', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/** A JSON body: the route's schema; `omit` lists the fields the server sets itself (the actor, the action's kind). */
export interface BodyDoc {
  /** Several: the body must satisfy them all. None: not JSON (see `contentType`). */
  schema?: z.ZodType | readonly z.ZodType[];
  omit?: readonly string[];
  contentType?: string;
  description?: string;
}

/** The body of a step: its schema, less what the server sets itself (the actor, the action's kind). */
export const serverSet = (schema: z.ZodType): BodyDoc => ({ schema, omit: ['actor', 'kind'] });

/** How a route finds the id of the convention it acts in (throwing its own 404), for its access check. */
export type ConventionOf<RG extends RouteGenericInterface> = (request: FastifyRequest<RG>) => Promise<string>;

/**
 * How the access is decided. `convention`, `domain` and `steward` need someone signed in; given
 * `convention`, the person must take part in that convention (their actor is then
 * {@link routeConvention}); a `steward` route also names the domain rule that admits the coopérateurs
 * and the admins, with its message.
 */
export type AccessDeclaration<RG extends RouteGenericInterface = RouteGenericInterface> =
  | { access: 'public' | 'link' | 'signed-in' | 'admin' }
  | { access: 'convention' | 'domain'; convention?: ConventionOf<RG> }
  | { access: 'steward'; convention: ConventionOf<RG>; steward: (actor: Actor) => void };

/** What one route is, as its OpenAPI operation says it. */
export type RouteDeclaration<RG extends RouteGenericInterface = RouteGenericInterface> = AccessDeclaration<RG> & {
  method: HTTPMethods;
  url: string;
  summary: string;
  description?: string;
  tag: string;
  body?: BodyDoc;
  /** Success status and what it answers (`contentType` default application/json). */
  success: { status: number; description: string; contentType?: string };
  /** Client errors it may answer besides those of its access level (401/403) and bad input (400). */
  errors?: readonly number[];
  /** A route whose last path parameter picks the step: one OpenAPI path per value. */
  variants?: { param: string; bodies: Record<string, BodyDoc | undefined> };
  /** Fastify's body limit, for the routes that take more than the server's (imports). */
  bodyLimit?: number;
  /**
   * The path parameters' schema, a zod object by parameter name; left out, each is a
   * {@link pathParameter}. Checked before the access, so a bad one is a 400 naming it.
   */
  params?: z.ZodObject;
  /**
   * The query parameters the route reads, a zod object by name: checked before the access (a 400
   * naming the one at fault) and listed in the OpenAPI document with their descriptions.
   */
  query?: z.ZodObject;
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route is: set by {@link route}, read by the OpenAPI document and the pages' guard. */
    declaration?: RouteDeclaration;
  }
}

type Handler<RG extends RouteGenericInterface> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RG
>;

/** Registers a route with its declaration, behind the preHandler its access level derives. */
export function route<RG extends RouteGenericInterface = RouteGenericInterface>(
  app: FastifyInstance,
  declaration: RouteDeclaration<RG>,
  handler: Handler<RG>,
): void {
  const check = accessCheck(declaration);
  const params = paramsSchema(declaration);
  const { query } = declaration;
  app.route<RG>({
    method: declaration.method,
    url: declaration.url,
    config: { declaration: declaration as RouteDeclaration },
    ...(declaration.bodyLimit ? { bodyLimit: declaration.bodyLimit } : {}),
    ...(params || query
      ? {
          preValidation: async (request: FastifyRequest<RG>) => {
            try {
              if (params) request.params = parseInput(params, request.params, { what: 'l’adresse' }) as RG['Params'];
              if (query) request.query = parseInput(query, request.query, { what: 'l’adresse' }) as RG['Querystring'];
            } catch (error) {
              // An HttpError, so the signed-link pages' handlers answer it as the 400 it is.
              throw toHttpError(error);
            }
          },
        }
      : {}),
    ...(check ? { preHandler: check } : {}),
    handler,
  });
}

/** The names of a URL pattern's parameters: `/api/meetings/:id/:step` → id, step. */
export function paramNames(url: string): string[] {
  return [...url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
}

/** The schema a route's path parameters are checked with (see {@link RouteDeclaration.params}); none without any. */
export function paramsSchema(declaration: Pick<RouteDeclaration, 'url' | 'params'>): z.ZodObject | undefined {
  if (declaration.params) return declaration.params;
  const names = paramNames(declaration.url);
  return names.length ? z.object(Object.fromEntries(names.map((name) => [name, pathParameter()]))) : undefined;
}

/** The signed-in viewer of a route whose declared access needs one. */
export function routeViewer(request: FastifyRequest): Viewer {
  if (!request.viewer)
    throw new Error(`${request.method} ${request.routeOptions.url} is not declared for people signed in`);
  return request.viewer;
}

/** The convention and the actor the route's access check found (a route declared with its `convention`). */
export function routeConvention(request: FastifyRequest): { id: string; actor: Actor } {
  if (!request.convention) throw new Error(`${request.method} ${request.routeOptions.url} declares no convention`);
  return request.convention;
}

/** The check of the declared access; none for the routes anyone may call (their link is checked by the route). */
function accessCheck<RG extends RouteGenericInterface>(declaration: RouteDeclaration<RG>) {
  switch (declaration.access) {
    case 'public':
    case 'link':
      return undefined;
    case 'signed-in':
      return async (request: FastifyRequest<RG>) => void requireViewer(request);
    case 'admin':
      return async (request: FastifyRequest<RG>) => void requireAdmin(request);
    default: {
      const { convention } = declaration;
      const steward = declaration.access === 'steward' ? declaration.steward : undefined;
      return async (request: FastifyRequest<RG>) => {
        // Who first, then where: nobody learns which conventions or ids exist without signing in.
        requireViewer(request);
        if (!convention) return;
        const id = await convention(request);
        request.convention = { id, actor: await request.server.actorIn(request, id) };
        steward?.(request.convention.actor);
      };
    }
  }
}

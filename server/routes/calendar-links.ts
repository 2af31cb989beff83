import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { nonEmptyText, parseInput, webUrl } from '../../domain/validation.js';
import { caldavCalendar, CalDavError } from '../../infra/caldav/caldav-calendar.js';
import { passwordBox } from '../../infra/caldav/password-box.js';
import type { CalendarLinkView, CalendarOwner } from '../../store/calendars/calendar-links.js';
import type { Store } from '../../store/index.js';
import { HttpError } from '../errors.js';
import { route, routeViewer } from '../route.js';

/** What links a calendar: the secret sealing the app passwords (CALDAV_SECRET, else the links' secret). */
export interface CalendarLinkDependencies {
  store: Store;
  secret: string;
  now?: () => Date;
}

/** A CalDAV calendar to link: its collection's URL, the account and an app password (never returned). */
export const calendarLinkSchema = z.strictObject({
  url: webUrl(),
  username: nonEmptyText(200, { required: 'Donnez l’identifiant du compte d’agenda.' }),
  password: nonEmptyText(500, { required: 'Donnez le mot de passe d’application créé pour Concerto.' }),
});
export type CalendarLinkInput = z.infer<typeof calendarLinkSchema>;

/** Why the server refused the link, beside the field to change. */
function refusal(error: CalDavError): DomainError {
  if (error.status === 401 || error.status === 403)
    return new DomainError(
      'INVALID_INPUT',
      'Le serveur d’agenda refuse cet identifiant ou ce mot de passe d’application.',
      'password',
    );
  if (error.kind === 'unreachable')
    return new DomainError(
      'INVALID_INPUT',
      `Le serveur d’agenda ne répond pas à cette adresse (${error.message}).`,
      'url',
    );
  return new DomainError(
    'INVALID_INPUT',
    'Cette adresse n’est pas celle d’un agenda CalDAV (pour Nextcloud : « Copier le lien privé » de l’agenda).',
    'url',
  );
}

/**
 * Links a calendar after checking it answers as one with this account (a PROPFIND of the
 * collection), the password sealed: the API and « Mes agendas » do it the same way.
 */
export async function linkCheckedCalendar(
  deps: CalendarLinkDependencies,
  owner: CalendarOwner,
  raw: unknown,
  by: string,
): Promise<CalendarLinkView> {
  const input = parseInput(calendarLinkSchema, raw, { what: 'l’agenda' });
  try {
    await caldavCalendar(input).check();
  } catch (error) {
    throw error instanceof CalDavError ? refusal(error) : error;
  }
  return deps.store.calendars.link({
    owner,
    url: input.url,
    username: input.username,
    sealedPassword: passwordBox(deps.secret).seal(input.password),
    by,
    at: (deps.now ?? (() => new Date()))(),
  });
}

const noneLinked = () => new HttpError(404, 'NOT_FOUND', 'Aucun agenda n’est relié.');

/**
 * The CalDAV calendar where Concerto writes meetings: the signed-in person's own (each meeting they
 * are invited to), and, for admins, an instance's (each of its meetings). Linking checks the
 * account against the server; the app password is stored sealed and never answered.
 */
export const calendarLinkRoutes: FastifyPluginAsync<CalendarLinkDependencies> = async (app, deps) => {
  const now = deps.now ?? (() => new Date());
  const answered = '{ calendar: { url, username, createdAt, lastError, lastErrorAt } | null } (never the password)';

  route(
    app,
    {
      method: 'GET',
      url: '/api/me/calendar',
      summary: 'The CalDAV calendar one linked, where one’s meetings are written',
      tag: 'agendas',
      access: 'signed-in',
      success: { status: 200, description: answered },
    },
    async (request) => ({ calendar: await deps.store.calendars.find({ personId: routeViewer(request).personId }) }),
  );

  route(
    app,
    {
      method: 'PUT',
      url: '/api/me/calendar',
      summary: 'Link one’s CalDAV calendar (Nextcloud…): checked with the server, replaces the one linked',
      tag: 'agendas',
      access: 'signed-in',
      body: { schema: calendarLinkSchema },
      success: { status: 200, description: answered },
    },
    async (request) => {
      const viewer = routeViewer(request);
      return { calendar: await linkCheckedCalendar(deps, { personId: viewer.personId }, request.body, viewer.email) };
    },
  );

  route(
    app,
    {
      method: 'DELETE',
      url: '/api/me/calendar',
      summary: 'Unlink one’s CalDAV calendar (the meetings written there stay)',
      tag: 'agendas',
      access: 'signed-in',
      success: { status: 204, description: 'Unlinked' },
      errors: [404],
    },
    async (request, reply) => {
      const viewer = routeViewer(request);
      if (!(await deps.store.calendars.unlink({ personId: viewer.personId }, { email: viewer.email, at: now() })))
        throw noneLinked();
      return reply.code(204).send();
    },
  );

  type InstanceParams = { Params: { slug: string; instance: string } };
  async function instanceOwner(params: InstanceParams['Params']): Promise<CalendarOwner> {
    const convention = await deps.store.conventions.resolve(params.slug);
    const instance = await deps.store.conventions.findInstance(convention.id, params.instance);
    if (!instance)
      throw new HttpError(404, 'NOT_FOUND', `Aucune instance « ${params.instance} » dans cette convention.`);
    return { instanceId: instance.id };
  }
  const instanceUrl = '/api/conventions/:slug/instances/:instance/calendar';

  route<InstanceParams & { Body: unknown }>(
    app,
    {
      method: 'PUT',
      url: instanceUrl,
      summary: 'Link an instance’s CalDAV calendar: each of its meetings is written there',
      tag: 'agendas',
      access: 'admin',
      body: { schema: calendarLinkSchema },
      success: { status: 200, description: answered },
      errors: [404],
    },
    async (request) => ({
      calendar: await linkCheckedCalendar(
        deps,
        await instanceOwner(request.params),
        request.body,
        routeViewer(request).email,
      ),
    }),
  );

  route<InstanceParams>(
    app,
    {
      method: 'DELETE',
      url: instanceUrl,
      summary: 'Unlink an instance’s CalDAV calendar',
      tag: 'agendas',
      access: 'admin',
      success: { status: 204, description: 'Unlinked' },
      errors: [404],
    },
    async (request, reply) => {
      const owner = await instanceOwner(request.params);
      if (!(await deps.store.calendars.unlink(owner, { email: routeViewer(request).email, at: now() })))
        throw noneLinked();
      return reply.code(204).send();
    },
  );
};

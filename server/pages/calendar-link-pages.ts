import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import type { Store } from '../../store/index.js';
import { route, routeViewer } from '../route.js';
import { linkCheckedCalendar } from '../routes/calendar-links.js';
import {
  CALENDAR_LINK_PATH,
  calendarLinkFormPage,
  type CalendarLinkFormErrors,
  type CalendarLinkFormValues,
} from './calendar-link-forms.js';
import { redirectDone } from './done-notice.js';
import { sendAppPage, type PageViewer } from './layout.js';

/** Dependencies of {@link registerCalendarLinkPages}. */
export interface CalendarLinkPagesDependencies {
  store: Store;
  /** Seals the app passwords (CALDAV_SECRET, else the links' secret). */
  secret: string;
  viewerOf: (request: FastifyRequest) => PageViewer | null;
  now: () => Date;
}

const FORM_PAGE = { status: 200, description: 'HTML page', contentType: 'text/html' } as const;
const POSTED = { status: 303, description: 'Redirect to « Mes agendas », or the form again', contentType: 'text/html' };
const FIELDS = ['url', 'username', 'password'] as const;

/** A form's string fields. */
const formField = (body: unknown, name: string): string => {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
};

/**
 * Linking one's CalDAV calendar from « Mes agendas », as PUT /api/me/calendar: the form (checked
 * with the calendar server before anything is kept; each error beside its field) and unlinking.
 */
export function registerCalendarLinkPages(scope: FastifyInstance, deps: CalendarLinkPagesDependencies): void {
  const { store, viewerOf, now } = deps;

  route(
    scope,
    {
      method: 'GET',
      url: CALENDAR_LINK_PATH,
      summary: 'The form linking one’s CalDAV calendar',
      tag: 'pages',
      access: 'signed-in',
      success: FORM_PAGE,
    },
    async (request, reply) => {
      const linked = await store.calendars.find({ personId: routeViewer(request).personId });
      const values = { url: linked?.url ?? '', username: linked?.username ?? '' };
      return sendAppPage(reply, 200, calendarLinkFormPage({ values, errors: {} }, viewerOf(request)));
    },
  );

  route<{ Body: Record<string, unknown> }>(
    scope,
    {
      method: 'POST',
      url: CALENDAR_LINK_PATH,
      summary: 'Link one’s CalDAV calendar, as PUT /api/me/calendar',
      tag: 'pages',
      access: 'signed-in',
      success: POSTED,
      errors: [422],
    },
    async (request, reply) => {
      const viewer = routeViewer(request);
      const raw = Object.fromEntries(FIELDS.map((name) => [name, formField(request.body, name)]));
      try {
        await linkCheckedCalendar({ ...deps, now }, { personId: viewer.personId }, raw, viewer.email);
        return redirectDone(reply, '/mes-agendas', 'agenda-relie', 'agenda-caldav-titre');
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'INVALID_INPUT') throw error;
        const errors: CalendarLinkFormErrors = {};
        for (const issue of error.issues ?? [{ field: error.field ?? 'url', message: error.message }]) {
          const name = FIELDS.find((f) => f === issue.field) ?? 'url';
          errors[name] ??= issue.message;
        }
        const values: CalendarLinkFormValues = { url: raw.url!, username: raw.username! };
        return sendAppPage(reply, 422, calendarLinkFormPage({ values, errors }, viewerOf(request)));
      }
    },
  );

  route(
    scope,
    {
      method: 'POST',
      url: `${CALENDAR_LINK_PATH}/delier`,
      summary: 'Unlink one’s CalDAV calendar, as DELETE /api/me/calendar',
      tag: 'pages',
      access: 'signed-in',
      success: POSTED,
    },
    async (request, reply) => {
      const viewer = routeViewer(request);
      await store.calendars.unlink({ personId: viewer.personId }, { email: viewer.email, at: now() });
      return redirectDone(reply, '/mes-agendas', 'agenda-delie', 'agenda-caldav-titre');
    },
  );
}

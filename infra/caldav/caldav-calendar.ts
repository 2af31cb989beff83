import { createObject, deleteObject, fetchCalendarObjects, getBasicAuthHeaders, propfind, updateObject } from 'tsdav';

/** A linked calendar: its collection's URL and the account's user and (clear) app password. */
export interface CalDavAccount {
  url: string;
  username: string;
  password: string;
}

/**
 * Why a CalDAV request did not do what was asked:
 * - `unreachable`: no answer, a timeout or a 5xx/429 — worth trying again later;
 * - `refused`: 401/403 (wrong user or app password, no right to write), 404 on the collection,
 *   or not a calendar — trying again changes nothing until the person fixes the link;
 * - `conflict`: 412, the object changed since our ETag (edited in the person's calendar app).
 */
export type CalDavFailureKind = 'unreachable' | 'refused' | 'conflict';

export class CalDavError extends Error {
  override readonly name = 'CalDavError';
  constructor(
    readonly kind: CalDavFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** An object read back from the calendar. */
export interface CalDavObject {
  ics: string;
  etag: string | null;
}

const TIMEOUT_MS = 15_000;

function failureOf(status: number, what: string): CalDavError {
  if (status === 412) return new CalDavError('conflict', `${what}: 412, the object changed since our ETag`, status);
  const kind = status >= 500 || status === 429 || status === 408 ? 'unreachable' : 'refused';
  return new CalDavError(kind, `${what}: the server answered ${status}`, status);
}

/** tsdav's requests go through fetch: a server out of reach throws, a slow one is cut. */
async function reach<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof CalDavError) throw error;
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CalDavError('unreachable', `${what}: no answer (${cause})`);
  }
}

/**
 * One CalDAV calendar collection through tsdav: each meeting is one object at `<collection>/<name>.ics`,
 * created only if absent (If-None-Match: *), changed and removed only as we last wrote it (If-Match).
 */
export function caldavCalendar(account: CalDavAccount, options: { timeoutMs?: number } = {}) {
  const collection = account.url.endsWith('/') ? account.url : `${account.url}/`;
  const headers = getBasicAuthHeaders({ username: account.username, password: account.password });
  const fetchOptions = () => ({ signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS) });
  const etagOf = (response: Response) => response.headers.get('etag');

  return {
    /** Where the meeting of that UID lives in this calendar. */
    objectUrl(uid: string): string {
      return new URL(`${encodeURIComponent(uid.replace(/[^A-Za-z0-9._-]/g, '_'))}.ics`, collection).href;
    },

    /** Checks the link: the account logs in and the URL is a calendar collection. */
    async check(): Promise<void> {
      const [answer] = await reach('PROPFIND', () =>
        propfind({
          url: collection,
          props: { 'd:resourcetype': {} },
          depth: '0',
          headers,
          fetchOptions: fetchOptions(),
        }),
      );
      if (!answer?.ok) throw failureOf(answer?.status ?? 0, 'PROPFIND');
      const type = JSON.stringify(answer.props?.resourcetype ?? {});
      if (!/calendar/i.test(type)) throw new CalDavError('refused', 'PROPFIND: the URL is not a calendar collection');
    },

    /** Writes a new object; `conflict` when one is there already. */
    async create(href: string, ics: string): Promise<{ etag: string | null }> {
      const response = await reach('PUT', () =>
        createObject({
          url: href,
          data: ics,
          headers: { ...headers, 'content-type': 'text/calendar; charset=utf-8', 'if-none-match': '*' },
          fetchOptions: fetchOptions(),
        }),
      );
      if (!response.ok) throw failureOf(response.status, 'PUT');
      return { etag: etagOf(response) };
    },

    /** Replaces the object if it is still as `etag` says; `conflict` otherwise. */
    async update(href: string, ics: string, etag: string | null): Promise<{ etag: string | null }> {
      const response = await reach('PUT', () =>
        updateObject({
          url: href,
          data: ics,
          ...(etag ? { etag } : {}),
          headers: { ...headers, 'content-type': 'text/calendar; charset=utf-8' },
          fetchOptions: fetchOptions(),
        }),
      );
      if (!response.ok) throw failureOf(response.status, 'PUT');
      return { etag: etagOf(response) };
    },

    /** Removes the object if it is still as `etag` says; one already gone is no failure. */
    async remove(href: string, etag: string | null): Promise<void> {
      const response = await reach('DELETE', () =>
        deleteObject({ url: href, ...(etag ? { etag } : {}), headers, fetchOptions: fetchOptions() }),
      );
      if (!response.ok && response.status !== 404) throw failureOf(response.status, 'DELETE');
    },

    /** The object as it is now (calendar-multiget), or null when it is not there. */
    async read(href: string): Promise<CalDavObject | null> {
      const [found] = await reach('REPORT', () =>
        fetchCalendarObjects({
          calendar: { url: collection },
          objectUrls: [href],
          headers,
          fetchOptions: fetchOptions(),
        }),
      );
      if (!found || typeof found.data !== 'string' || !found.data.includes('BEGIN:VCALENDAR')) return null;
      return { ics: found.data, etag: found.etag ?? null };
    },
  };
}

export type CalDavCalendar = ReturnType<typeof caldavCalendar>;

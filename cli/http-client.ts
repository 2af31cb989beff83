import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FieldIssue } from '../domain/errors.js';
import { CLI_TOKEN_FILE, DEFAULT_HOST, DEFAULT_PORT } from '../domain/local-app.js';
import { httpRequest, type HttpAnswer } from './http-request.js';
import { CliError } from './cli-error.js';
import { EXIT, exitCodeForStatus } from './exit-codes.js';

/** Where the CLI finds the running app, and the token it signs in with. */
export interface ApiTarget {
  url: string;
  token?: string;
  /** Where the token was read from, to name it in messages. */
  tokenSource?: string;
}

/**
 * The app's address and token from the environment: `CONCERTO_URL`, else the address `npm start`
 * listens on (`HOST`, `PORT`, defaulted as the app defaults them); `CONCERTO_TOKEN`, else the token
 * file in the data folder (`CONCERTO_DATA_DIR`).
 */
export async function resolveTarget(env: NodeJS.ProcessEnv): Promise<ApiTarget> {
  const host = env.HOST?.trim() || DEFAULT_HOST;
  const port = env.PORT?.trim() || String(DEFAULT_PORT);
  const url = (env.CONCERTO_URL?.trim() || `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`).replace(
    /\/+$/,
    '',
  );
  if (env.CONCERTO_TOKEN?.trim()) return { url, token: env.CONCERTO_TOKEN.trim(), tokenSource: 'CONCERTO_TOKEN' };
  const file = path.join(path.resolve(env.CONCERTO_DATA_DIR?.trim() || 'data'), CLI_TOKEN_FILE);
  const token = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  return token ? { url, token, tokenSource: file } : { url };
}

/** What a request sends: a JSON body, or a text body with its content type. */
export type RequestBody = { json: unknown } | { text: string; contentType: string };

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string; issues?: FieldIssue[] };
}

/** The running app's HTTP API, seen from the CLI: every failure becomes a {@link CliError}. */
export class ApiClient {
  constructor(readonly target: ApiTarget) {}

  /** A JSON answer. */
  async json<T>(method: string, route: string, body?: RequestBody): Promise<T> {
    const response = await this.send(method, route, body, 'application/json');
    return (await response.json()) as T;
  }

  /** A text answer (CSV, iCalendar, an exported file). */
  async text(method: string, route: string, body?: RequestBody, accept = '*/*'): Promise<string> {
    return (await this.send(method, route, body, accept)).text();
  }

  /**
   * The result of long work, its progress handed to `onProgress` as it goes: the app streams
   * NDJSON lines (server/progress-stream.ts) `{"progress": …}`, then `{"done": result}`, or
   * `{"error": …}` when the work failed once begun. A plain JSON answer is the result itself.
   */
  async withProgress<T>(
    method: string,
    route: string,
    onProgress: (done: number, total: number, step: string) => void,
    body?: RequestBody,
  ): Promise<T> {
    const response = await this.send(method, route, body, 'application/x-ndjson, application/json');
    if (!(response.headers.get('content-type') ?? '').includes('application/x-ndjson'))
      return (await response.json()) as T;
    const decoder = new TextDecoder();
    let pending = '';
    let result: { value: T } | undefined;
    const take = (text: string) => {
      if (!text.trim()) return;
      const line = JSON.parse(text) as ErrorBody & {
        progress?: { done: number; total: number; step: string };
        done?: T;
      };
      if (line.error) throw errorFromBody(500, line);
      if (line.progress) onProgress(line.progress.done, line.progress.total, line.progress.step);
      else if ('done' in line) result = { value: line.done as T };
    };
    for await (const chunk of response.body) {
      pending += decoder.decode(chunk as Uint8Array, { stream: true });
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      parts.forEach(take);
    }
    take(pending + decoder.decode());
    if (!result) {
      throw new CliError(
        'la réponse s’est interrompue avant la fin du travail.',
        EXIT.unavailable,
        'Voyez le journal de l’application (la fenêtre de `npm start`), puis relancez la commande.',
      );
    }
    return result.value;
  }

  /** The answer as it came, for callers that read its status and body themselves (the vote page). */
  async raw(method: string, route: string, body?: RequestBody, accept = '*/*'): Promise<HttpAnswer> {
    return this.fetch(method, route, body, accept);
  }

  private async send(
    method: string,
    route: string,
    body: RequestBody | undefined,
    accept: string,
  ): Promise<HttpAnswer> {
    const response = await this.fetch(method, route, body, accept);
    if (response.ok) return response;
    const text = await response.text();
    let parsed: ErrorBody;
    try {
      parsed = JSON.parse(text) as ErrorBody;
    } catch {
      parsed = { error: { message: text.trim().split('\n')[0] || `réponse ${response.status}` } };
    }
    throw errorFromBody(response.status, parsed, this.target);
  }

  private async fetch(
    method: string,
    route: string,
    body: RequestBody | undefined,
    accept: string,
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept };
    if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = body.contentType;
      payload = body.text;
    }
    try {
      return await httpRequest(`${this.target.url}${route}`, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
      });
    } catch (error) {
      const why = (error as { code?: string }).code ?? (error as Error).message;
      throw new CliError(
        `l’application ne répond pas à ${this.target.url} (${why})`,
        EXIT.unavailable,
        'Lancez `npm start` dans le dossier du projet, ou donnez son adresse dans CONCERTO_URL.',
      );
    }
  }
}

function errorFromBody(status: number, body: ErrorBody, target?: ApiTarget): CliError {
  const error = body.error ?? {};
  const said = error.message ?? `l’application a répondu ${status}`;
  // A single field in error comes without `issues`: name it after the message.
  const message = error.field && !error.issues?.length ? `${said} (champ « ${error.field} »)` : said;
  return new CliError(
    message,
    exitCodeForStatus(status),
    hintFor(status, error.code, said, target),
    error.issues ?? [],
    body,
  );
}

function hintFor(status: number, code: string | undefined, message: string, target?: ApiTarget): string | undefined {
  if (status === 401) {
    return target?.tokenSource
      ? `Le jeton lu dans ${target.tokenSource} n’est pas accepté : créez-en un autre ` +
          `(POST /api/tokens) ou relancez \`npm start\`, qui récrit data/${CLI_TOKEN_FILE}.`
      : `Aucun jeton : donnez CONCERTO_TOKEN, ou lancez \`npm ` +
          `start\` dans ce dossier, qui écrit data/${CLI_TOKEN_FILE}.`;
  }
  if (status === 403)
    return 'Ce jeton n’a pas le rôle que cette action demande : demandez-le à un administrateur de la convention.';
  if (status === 404 && message.startsWith('Rien à l’adresse')) {
    return 'L’application ne connaît pas cette route : mettez-la à jour (git pull), puis relancez `npm start`.';
  }
  if (status === 400) return 'Corrigez la saisie, puis relancez la commande.';
  if (status >= 500 && code !== 'TEMPORAL_UNAVAILABLE')
    return 'Voyez le journal de l’application (la fenêtre de `npm start`), puis réessayez.';
  return undefined;
}

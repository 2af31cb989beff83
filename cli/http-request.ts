import type { IncomingMessage } from 'node:http';

/** An answer of the app, as the CLI reads it (the part of a fetch Response it uses). */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  /** The body as it comes. */
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** What a request carries. */
export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * One request over node:http (or https), without following redirects: the app's API makes none.
 * Not `fetch`: Node loads its HTTP client (undici) on the first call, which costs more than the rest of
 * the CLI's start-up together (bench/README.md, « CLI start »). A failure to connect rejects with the
 * socket's error (its `code`: ECONNREFUSED…).
 */
export async function httpRequest(url: string, request: HttpRequest): Promise<HttpAnswer> {
  // getBuiltinModule, not import(): node:http's ESM facade reads every export, undici's WebSocket among them.
  const { request: send } = url.startsWith('https:')
    ? process.getBuiltinModule('node:https')
    : process.getBuiltinModule('node:http');
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const headers =
      request.body === undefined
        ? request.headers
        : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
    const outgoing = send(url, { method: request.method, headers }, resolve);
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
  const status = response.statusCode ?? 0;
  const text = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = response.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: response,
    text,
    json: async () => JSON.parse(await text()) as unknown,
  };
}

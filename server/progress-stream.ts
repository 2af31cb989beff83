import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toHttpError } from './errors.js';

/** The media type of an answer that streams its progress: one JSON object a line. */
export const PROGRESS_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

/** Reports one more step of long work: records done, records in all, what is being written. */
export type OnProgress = (done: number, total: number, step: string) => void;

/**
 * Answers with long work's result, streaming its progress when the caller asks for it (`Accept:
 * application/x-ndjson`): `{"progress":{"done","total","step"}}` lines as the work goes, then
 * `{"done": <the result>}`. The stream begins with the first progress, so a refusal before any
 * (bad input) is still an ordinary error answer with its status; a failure after it is a last line
 * `{"error": …}`, the status being sent already. Without that Accept, the result is plain JSON.
 */
export async function answerWithProgress<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  work: (onProgress?: OnProgress) => Promise<T>,
): Promise<unknown> {
  if (!(request.headers.accept ?? '').includes('application/x-ndjson')) return work();
  let stream: PassThrough | undefined;
  const onProgress: OnProgress = (done, total, step) => {
    if (!stream) {
      stream = new PassThrough();
      void reply.header('content-type', PROGRESS_CONTENT_TYPE).header('cache-control', 'no-store').send(stream);
    }
    stream.write(`${JSON.stringify({ progress: { done, total, step } })}\n`);
  };
  let result: T;
  try {
    result = await work(onProgress);
  } catch (error) {
    if (!stream) throw error;
    const mapped = toHttpError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'long work failed');
    stream.end(`${JSON.stringify(mapped.toBody())}\n`);
    return reply;
  }
  if (!stream) return result;
  stream.end(`${JSON.stringify({ done: result })}\n`);
  return reply;
}

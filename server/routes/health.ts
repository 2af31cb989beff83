import type { FastifyPluginAsync } from 'fastify';
import { route } from '../route.js';

export interface HealthProbes {
  temporal: () => Promise<void>;
  database: () => Promise<void>;
}

const PROBE_TIMEOUT_MS = 3000;

/** `ok`, or `down: <why>` when the check fails or takes more than 3 s. */
export async function probe(check: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return `down: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /healthz`: 200 only when Temporal and the database both really answer, else 503 naming what is down. */
export const healthRoutes: FastifyPluginAsync<HealthProbes> = async (app, probes) => {
  route(
    app,
    {
      method: 'GET',
      url: '/healthz',
      summary: 'Health of Temporal and the database (503 naming what is down)',
      tag: 'système',
      access: 'public',
      success: { status: 200, description: '{ temporal, database }: "ok" or "down: …"' },
    },
    async (_request, reply) => {
      const [temporal, database] = await Promise.all([probe(probes.temporal), probe(probes.database)]);
      const healthy = temporal === 'ok' && database === 'ok';
      return reply.code(healthy ? 200 : 503).send({ temporal, database });
    },
  );
};

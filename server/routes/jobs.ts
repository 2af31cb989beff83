import type { FastifyPluginAsync } from 'fastify';
import { HttpError } from '../errors.js';
import type { JobRegistry } from '../jobs.js';
import { route } from '../route.js';

/** `GET /api/jobs/:id`: where a long piece of work started from the pages stands, for the script of its page. */
export const jobRoutes: FastifyPluginAsync<{ jobs: JobRegistry }> = async (app, { jobs }) => {
  route<{ Params: { id: string } }>(
    app,
    {
      method: 'GET',
      url: '/api/jobs/:id',
      summary: 'Where a long piece of work started from the pages stands (demo loading)',
      tag: 'processus',
      access: 'admin',
      success: { status: 200, description: '{ id, label, status, done, total, step, message, startedAt }' },
      errors: [404],
    },
    async (request) => {
      const job = jobs.get(request.params.id);
      if (!job)
        throw new HttpError(
          404,
          'NOT_FOUND',
          'Travail introuvable : l’adresse est peut-être incomplète, ou la page a été supprimée.',
        );
      return job;
    },
  );
};

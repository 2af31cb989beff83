import type { FastifyPluginAsync } from 'fastify';
import type { MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { route } from '../route.js';

/**
 * The embedded catcher's messages: a JSON list, and each message's source as a .eml file. For the
 * admins only: the mails hold every signed link sent — sign-in links included, which open the
 * recipient's account.
 */
export const outboxRoutes: FastifyPluginAsync<{ catcher?: MailCatcher | undefined }> = async (app, { catcher }) => {
  const unavailable = {
    error: {
      code: 'NO_OUTBOX',
      message: 'Les e-mails partent par le relais SMTP_URL : il n’y a pas de boîte d’envoi locale.',
    },
  };

  route(
    app,
    {
      method: 'GET',
      url: '/api/outbox',
      summary: 'The mails the embedded catcher holds',
      tag: 'courriel',
      access: 'admin',
      success: { status: 200, description: '{ messages }' },
      errors: [404],
    },
    async (_request, reply) => {
      if (!catcher) return reply.code(404).send(unavailable);
      return { messages: await catcher.list() };
    },
  );

  route<{ Params: { file: string } }>(
    app,
    {
      method: 'GET',
      url: '/api/outbox/:file',
      summary: 'One caught mail as a .eml file',
      tag: 'courriel',
      access: 'admin',
      success: { status: 200, description: 'The message', contentType: 'message/rfc822' },
      errors: [404],
    },
    async (request, reply) => {
      if (!catcher) return reply.code(404).send(unavailable);
      const id = request.params.file.replace(/\.eml$/, '');
      const raw = request.params.file.endsWith('.eml') ? await catcher.readRaw(id) : null;
      if (!raw)
        return reply
          .code(404)
          .send({ error: { code: 'NOT_FOUND', message: 'Aucun message ne porte cet identifiant.' } });
      return reply
        .header('content-type', 'message/rfc822')
        .header('content-disposition', `attachment; filename="${id}.eml"`)
        .send(raw);
    },
  );
};

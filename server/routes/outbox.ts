import type { FastifyInstance } from 'fastify';
import type { MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { requireAdmin } from '../plugins/auth.js';

/**
 * The embedded catcher's messages: a JSON list, and each message's source as a .eml file. For the
 * admins only: the mails hold every signed link sent — sign-in links included, which open the
 * recipient's account.
 */
export function registerOutboxRoutes(app: FastifyInstance, catcher: MailCatcher | undefined): void {
  const unavailable = {
    error: {
      code: 'NO_OUTBOX',
      message: 'Les e-mails partent par le relais SMTP_URL : il n’y a pas de boîte d’envoi locale.',
    },
  };

  app.get('/api/outbox', async (request, reply) => {
    requireAdmin(request);
    if (!catcher) return reply.code(404).send(unavailable);
    return { messages: await catcher.list() };
  });

  app.get<{ Params: { file: string } }>('/api/outbox/:file', async (request, reply) => {
    requireAdmin(request);
    if (!catcher) return reply.code(404).send(unavailable);
    const id = request.params.file.replace(/\.eml$/, '');
    const raw = request.params.file.endsWith('.eml') ? await catcher.readRaw(id) : null;
    if (!raw)
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'Aucun message ne porte cet identifiant.' } });
    return reply
      .header('content-type', 'message/rfc822')
      .header('content-disposition', `attachment; filename="${id}.eml"`)
      .send(raw);
  });
}

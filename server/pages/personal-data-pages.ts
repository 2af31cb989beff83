import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { startRetention } from '../../client/start-retention.js';
import { DomainError } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import type { Store } from '../../store/index.js';
import type { RetentionFacts } from '../../store/privacy/anonymise-departed.js';
import { auditAs } from '../audit.js';
import { route, routeViewer } from '../route.js';
import { doneNotice, redirectDone } from './done-notice.js';
import { frenchDay, frenchInstant } from './format.js';
import { csrfField, escapeHtml, renderAppPage, sendAppPage, type PageViewer } from './layout.js';
import { field } from './form-fields.js';
import { notFound } from './page-lookup.js';

/**
 * Personal data (RGPD): a person's export as JSON, by themselves from « Mon compte » or by an admin
 * for someone who asks, both audited; and each convention's retention period, after which its
 * retention workflow anonymises the people no longer seated (workflows/retention.ts).
 */

const PATH = '/admin/donnees-personnelles';
const NOTICES = { conservation: 'La durée de conservation est enregistrée ; l’anonymisation suit la nouvelle date.' };
const retentionSchema = z.object({
  jours: z.coerce
    .number({ error: 'Écrivez un nombre de jours.' })
    .int('Écrivez un nombre entier de jours.')
    .min(0, 'La durée ne peut pas être négative.')
    .max(3650, 'Dix ans au plus (3 650 jours).'),
});

interface AdminView {
  conventions: Array<{ slug: string; name: string; retention: RetentionFacts }>;
  email: string;
  errors: { email?: string; jours?: { slug: string; message: string; value: string } };
  notice: string | null;
}

function retentionSection(view: AdminView, viewer: PageViewer | null): string {
  const facts = view.conventions.map(({ name, retention }) => {
    const when = retention.anonymisedAt ?? retention.due;
    return (
      `<li><strong>${escapeHtml(name)}</strong> : fin le ${escapeHtml(frenchDay(retention.endDate))}, ` +
      `conservation ${retention.retentionDays} jours ; anonymisation ` +
      `${retention.anonymisedAt ? 'faite' : 'prévue'} le ${escapeHtml(frenchInstant(when))}.</li>`
    );
  });
  const failed = view.errors.jours;
  const options = view.conventions.map(
    ({ slug, name }) =>
      `<option value="${escapeHtml(slug)}"${failed?.slug === slug ? ' selected' : ''}>${escapeHtml(name)}</option>`,
  );
  return (
    `<ul>${facts.join('')}</ul>` +
    `<form method="post" action="${PATH}/conservation" novalidate>${csrfField(viewer)}` +
    field('convention', 'Convention', (a) => `<select ${a}>${options.join('')}</select>`, {}) +
    field(
      'jours',
      'Durée de conservation après la fin de la convention (jours)',
      (a) => `<input ${a} inputmode="numeric" value="${escapeHtml(failed?.value ?? '')}">`,
      failed ? { jours: failed.message } : {},
    ) +
    '<p class="actions"><button type="submit">Enregistrer la durée</button></p></form>'
  );
}

function adminPage(view: AdminView, viewer: PageViewer | null): string {
  return renderAppPage({
    title: 'Données personnelles',
    viewer,
    notice: view.notice,
    body: [
      '<h1>Données personnelles</h1>',
      '<h2>Exporter les données d’une personne</h2>',
      '<p>À la demande d’une personne, tout ce que Concerto garde sur elle, en JSON. ' +
        'L’export est consigné au journal.</p>',
      `<form method="get" action="${PATH}/export" novalidate>` +
        field(
          'email',
          'Adresse de la personne',
          (a) => `<input ${a} type="email" autocomplete="off" value="${escapeHtml(view.email)}">`,
          view.errors,
        ) +
        '<p class="actions"><button type="submit">Exporter ses données (JSON)</button></p></form>',
      '<h2>Durée de conservation</h2>',
      '<p>À la fin de la convention, augmentée de cette durée, les personnes qui ne siègent plus dans aucune ' +
        'convention en cours sont anonymisées : nom et adresse remplacés par un pseudonyme, décisions et journal ' +
        'conservés sous ce pseudonyme.</p>',
      view.conventions.length ? retentionSection(view, viewer) : '<p>Aucune convention.</p>',
    ],
  });
}

/** Sends a person's export as a JSON download, audited as asked by them (`self`) or by an admin. */
async function sendExport(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  personId: string,
  by: 'self' | 'admin',
) {
  const data = await store.privacy.exportPerson(personId);
  await auditAs(store, request)('person.exportData', `person:${personId}`, { by });
  return reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('content-disposition', 'attachment; filename="mes-donnees-concerto.json"')
    .header('cache-control', 'no-store')
    .send(JSON.stringify(data, null, 2));
}

/** Registers the export pages and the retention settings. */
export function registerPersonalDataPages(
  scope: FastifyInstance,
  deps: { client: Client; store: Store; taskQueue: string; viewerOf: (request: FastifyRequest) => PageViewer | null },
): void {
  const { store } = deps;

  const sendAdmin = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    view: Omit<AdminView, 'conventions'>,
  ) => {
    const list = await store.conventions.list({});
    const conventions = await Promise.all(
      list.map(async (c) => ({ slug: c.slug, name: c.name, retention: await store.privacy.findRetention(c.id) })),
    );
    return sendAppPage(reply, status, adminPage({ ...view, conventions }, deps.viewerOf(request)));
  };

  route(
    scope,
    {
      method: 'GET',
      url: '/compte/mes-donnees.json',
      summary: 'Everything held about the signed-in person, as JSON (RGPD access), audited',
      tag: 'pages',
      access: 'signed-in',
      success: { status: 200, description: 'JSON download', contentType: 'application/json' },
    },
    async (request, reply) => {
      return sendExport(store, request, reply, routeViewer(request).personId, 'self');
    },
  );

  route<{ Querystring: { fait?: string } }>(
    scope,
    {
      method: 'GET',
      url: PATH,
      summary: 'Personal data: export a person’s, and each convention’s retention period',
      tag: 'pages',
      access: 'admin',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) =>
      sendAdmin(request, reply, 200, { email: '', errors: {}, notice: doneNotice(request.query.fait, NOTICES) }),
  );

  route<{ Querystring: { email?: string } }>(
    scope,
    {
      method: 'GET',
      url: `${PATH}/export`,
      summary: 'Everything held about a person (?email=), as JSON, for an admin answering their request; audited',
      tag: 'pages',
      access: 'admin',
      success: { status: 200, description: 'JSON download', contentType: 'application/json' },
      errors: [404],
    },
    async (request, reply) => {
      const email = (request.query.email ?? '').trim().slice(0, 320);
      const person = email ? await store.access.findPersonByEmail(email) : null;
      if (!person) {
        const message = email ? 'Personne ne porte cette adresse dans Concerto.' : 'Écrivez l’adresse de la personne.';
        return sendAdmin(request, reply, email ? 404 : 422, { email, errors: { email: message }, notice: null });
      }
      return sendExport(store, request, reply, person.id, 'admin');
    },
  );

  route<{ Body: { convention?: string; jours?: string } }>(
    scope,
    {
      method: 'POST',
      url: `${PATH}/conservation`,
      summary: 'Set a convention’s retention period (fields convention, jours); its retention workflow follows',
      tag: 'pages',
      access: 'admin',
      success: { status: 303, description: 'Redirect to the page', contentType: 'text/html' },
      errors: [404, 422],
    },
    async (request, reply) => {
      const slug = String(request.body?.convention ?? '');
      const found = slug ? await store.conventions.findBySlug(slug) : null;
      if (!found) throw notFound('Convention');
      const value = String(request.body?.jours ?? '');
      let days: number;
      try {
        ({ jours: days } = parseInput(retentionSchema, { jours: value }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const message = error.issues?.[0]?.message ?? error.message;
        return sendAdmin(request, reply, 422, { email: '', errors: { jours: { slug, message, value } }, notice: null });
      }
      await store.privacy.setRetentionDays({ conventionId: found.id, days });
      await startRetention(deps, found.id);
      await auditAs(store, request)('convention.setRetention', `convention:${slug}`, { days });
      return redirectDone(reply, PATH, 'conservation');
    },
  );
}

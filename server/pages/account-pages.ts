import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_TOKEN_DEFAULT_DAYS, API_TOKEN_LIFETIME_CHOICES, apiTokenEnd } from '../../domain/api-token-rules.js';
import type { Viewer } from '../../domain/access.js';
import type { ApiTokenView } from '../../store/access/api-tokens.js';
import type { Store } from '../../store/index.js';
import { toHttpError } from '../errors.js';
import { route, routeViewer } from '../route.js';
import { mintApiToken, revokeApiToken } from '../routes/api-tokens.js';
import { FORM_SCRIPT_PATH } from './form-script.js';
import { frenchInstant } from './format.js';
import { csrfField, escapeHtml, renderAppPage, sendAppPage, type PageViewer } from './layout.js';
import { field as labelledField } from './form-fields.js';

/** What the account page says after a redirection (`?fait=`). */
const DONE: Readonly<Record<string, string>> = {
  revoque: 'Le jeton est révoqué : il n’ouvre plus l’API.',
};

/** The create form as typed, with its errors by field (label, duree, person). */
interface TokenForm {
  values: Record<string, string>;
  errors: Record<string, string>;
}

/** What the account page shows. */
interface AccountView {
  tokens: ApiTokenView[];
  form: TokenForm;
  /** The token just created: its secret, shown this once. */
  created?: { label: string; token: string; person: string } | undefined;
  done?: string | undefined;
}

const lifetimeLabel = (days: number) =>
  days === API_TOKEN_DEFAULT_DAYS
    ? `${days} jours (par défaut)`
    : days === 365
      ? '1 an (le plus long)'
      : `${days} jours`;

/** The meeting forms' labelled field, its control written with a `$ATTRIBUTES` placeholder. */
const field = (name: string, label: string, control: string, form: TokenForm, hint?: string) =>
  labelledField(name, label, (attributes) => control.replace('$ATTRIBUTES', attributes), form.errors, hint);

function tokenRows(tokens: ApiTokenView[], viewer: PageViewer | null): string {
  if (tokens.length === 0) return '<p>Vous n’avez aucun jeton d’API.</p>';
  const when = (iso: string | null, none: string) => escapeHtml(iso ? frenchInstant(iso) : none);
  const rows = tokens.map(
    (t) =>
      `<tr><th scope="row">${escapeHtml(t.label)}</th><td>${when(t.createdAt, '')}</td>` +
      `<td>${when(t.expiresAt, 'jamais')}</td><td>${when(t.lastUsedAt, 'jamais utilisé')}</td><td>` +
      `<details><summary>Révoquer…</summary><form method="post" ` +
      `action="/compte/jetons/${encodeURIComponent(t.id)}/revoquer">${csrfField(viewer)}` +
      `<p>Les scripts qui s’en servent recevront un refus (401).</p>` +
      `<button type="submit">Confirmer la révocation de « ${escapeHtml(t.label)} »</button></form></details></td></tr>`,
  );
  return (
    '<div class="scroll" role="region" aria-label="Vos jetons d’API" tabindex="0"><table>' +
    '<caption>Vos jetons d’API</caption><thead><tr><th scope="col">Nom</th><th scope="col">Créé le</th>' +
    '<th scope="col">Expire le</th><th scope="col">Dernière utilisation</th><th scope="col">Action</th></tr>' +
    `</thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

function createdPanel(created: NonNullable<AccountView['created']>): string {
  return (
    '<section class="alert ok" aria-labelledby="jeton-cree"><h3 id="jeton-cree">' +
    `Jeton « ${escapeHtml(created.label)} » créé pour ${escapeHtml(created.person)}</h3>` +
    '<p role="status"><strong>Copiez-le maintenant : il ne sera plus jamais affiché.</strong> ' +
    'Concerto n’en garde qu’une empreinte ; perdu, il faut en créer un autre.</p>' +
    '<div class="field"><label for="jeton-secret">Le jeton</label>' +
    `<input id="jeton-secret" type="text" readonly value="${escapeHtml(created.token)}" spellcheck="false"></div>` +
    '<p><button type="button" data-copy="jeton-secret" hidden>Copier le jeton</button> ' +
    '<span id="jeton-secret-copie" aria-live="polite"></span></p>' +
    '<p class="muted">Un script l’envoie dans l’en-tête <code>Authorization: Bearer …</code>.</p></section>'
  );
}

function createForm(form: TokenForm, viewer: PageViewer | null): string {
  const chosen = form.values.duree ?? String(API_TOKEN_DEFAULT_DAYS);
  const options = API_TOKEN_LIFETIME_CHOICES.map((days) => {
    const selected = String(days) === chosen ? ' selected' : '';
    return `<option value="${days}"${selected}>${escapeHtml(lifetimeLabel(days))}</option>`;
  }).join('');
  const count = Object.keys(form.errors).length;
  return [
    count
      ? `<p role="alert" class="failed">Le jeton n’a pas été créé : ${
          count === 1 ? 'corrigez le champ signalé' : 'corrigez les champs signalés'
        }.</p>`
      : '',
    `<form method="post" action="/compte/jetons">${csrfField(viewer)}`,
    field(
      'label',
      'Nom du jeton',
      `<input type="text" $ATTRIBUTES required maxlength="100" value="${escapeHtml(form.values.label ?? '')}">`,
      form,
      'À quoi, ou à quel script, il sert : « export du journal », « CLI de Marie »…',
    ),
    field('duree', 'Durée de validité', `<select $ATTRIBUTES>${options}</select>`, form),
    viewer?.admin
      ? field(
          'person',
          'Pour une autre personne (administrateurs)',
          `<input type="email" $ATTRIBUTES value="${escapeHtml(form.values.person ?? '')}">`,
          form,
          'Laissez vide pour un jeton à votre nom. Le jeton d’une autre personne apparaît sur sa page ' +
            '« Mon compte », et elle seule peut le révoquer.',
        )
      : '',
    '<p><button type="submit">Créer le jeton</button></p></form>',
  ].join('');
}

/** The « Mon compte » page: API tokens (list, create, revoke) and the sign-out of every session. */
export function accountPage(view: AccountView, viewer: PageViewer | null): string {
  return renderAppPage({
    title: 'Mon compte',
    current: '/compte',
    viewer,
    scripts: [FORM_SCRIPT_PATH],
    body: [
      '<h1>Mon compte</h1>',
      viewer ? `<p>Connecté·e en tant que ${escapeHtml(viewer.displayName)} (${escapeHtml(viewer.email)}).</p>` : '',
      view.done ? `<div class="alert ok" role="status">${escapeHtml(view.done)}</div>` : '',
      '<section aria-labelledby="jetons"><h2 id="jetons">Jetons d’API</h2>',
      '<p>Un jeton ouvre l’API de Concerto à un script ou à la commande <code>concerto</code>, en votre nom et ' +
        'avec vos rôles, jusqu’à son expiration ou sa révocation. Un jeton ne peut pas en créer un autre.</p>',
      viewer?.admin
        ? '<p>Cette liste ne montre que vos propres jetons, comme l’API : un administrateur ne voit ni ne révoque ' +
          'ceux des autres ; il peut en créer un pour une autre personne, qui le voit et le révoque sur sa page.</p>'
        : '',
      view.created ? createdPanel(view.created) : '',
      tokenRows(view.tokens, viewer),
      '<h3>Créer un jeton</h3>',
      createForm(view.form, viewer),
      '</section>',
      '<section aria-labelledby="mes-donnees"><h2 id="mes-donnees">Mes données</h2>',
      '<p>Tout ce que Concerto garde sur vous (sièges, réponses, avis, mails, journal, jetons), en JSON : ' +
        '<a href="/compte/mes-donnees.json" download>télécharger mes données</a>.</p>',
      '</section>',
      '<section aria-labelledby="sessions"><h2 id="sessions">Sessions</h2>',
      '<p>Un appareil perdu, un ordinateur partagé : fermez toutes vos sessions, sur chaque navigateur, celui-ci ' +
        'compris. Vos jetons d’API restent valides : révoquez-les ci-dessus.</p>',
      `<form method="post" action="/auth/sign-out-everywhere">${csrfField(viewer)}` +
        '<button type="submit">Se déconnecter partout</button></form>',
      '</section>',
    ],
  });
}

/** The form's fields as texts, without its CSRF token. */
function formTexts(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

const FORM_FIELD_OF: Readonly<Record<string, string>> = { label: 'label', expiresAt: 'duree', person: 'person' };

/**
 * « Mon compte »: the person's API tokens, made and revoked by the functions the API's routes run
 * (routes/api-tokens.ts: who may mint, the expiry, the audit), and the button that signs every
 * session out (POST /auth/sign-out-everywhere). A new token's secret is shown in the answer to its
 * form, once: it is never in an address, and a page shown again has only the list.
 */
export function registerAccountPages(
  app: FastifyInstance,
  deps: { store: Store; now: () => Date; viewerOf(request: FastifyRequest): PageViewer | null },
): void {
  const send = async (
    request: FastifyRequest,
    reply: Parameters<typeof sendAppPage>[0],
    status: number,
    view: Omit<AccountView, 'tokens'>,
  ) => {
    const tokens = await deps.store.access.listApiTokens(routeViewer(request).personId);
    return sendAppPage(reply, status, accountPage({ ...view, tokens }, deps.viewerOf(request)));
  };

  route<{ Querystring: { fait?: string } }>(
    app,
    {
      method: 'GET',
      url: '/compte',
      summary: 'The person’s account: their API tokens, and signing out everywhere',
      tag: 'pages',
      access: 'signed-in',
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async (request, reply) =>
      send(request, reply, 200, { form: { values: {}, errors: {} }, done: DONE[request.query.fait ?? ''] }),
  );

  route(
    app,
    {
      method: 'POST',
      url: '/compte/jetons',
      summary: 'Create an API token from the account page (fields `label`, `duree` in days, `person`, `_csrf`)',
      tag: 'pages',
      access: 'signed-in',
      success: {
        status: 201,
        description: 'The account page, with the new token shown once',
        contentType: 'text/html',
      },
      errors: [403, 404],
    },
    async (request, reply) => {
      const viewer: Viewer = routeViewer(request);
      const values = formTexts(request.body);
      const at = deps.now();
      const days = Number(values.duree ?? API_TOKEN_DEFAULT_DAYS);
      const input = {
        label: values.label ?? '',
        ...((API_TOKEN_LIFETIME_CHOICES as readonly number[]).includes(days)
          ? { expiresAt: apiTokenEnd(days, at).toISOString() }
          : {}),
        ...(values.person ? { person: values.person } : {}),
      };
      try {
        const created = await mintApiToken(deps.store, viewer, input, at);
        return await send(request, reply, 201, {
          form: { values: {}, errors: {} },
          created: { label: created.label, token: created.token, person: values.person || viewer.email },
        });
      } catch (error) {
        const refused = toHttpError(error);
        if (refused.status >= 500) throw error;
        const issues = refused.issues?.length
          ? refused.issues
          : [{ field: refused.field ?? 'label', message: refused.message }];
        const errors: Record<string, string> = {};
        for (const issue of issues) errors[FORM_FIELD_OF[issue.field] ?? 'label'] ??= issue.message;
        return send(request, reply, refused.status, { form: { values, errors } });
      }
    },
  );

  route<{ Params: { id: string } }>(
    app,
    {
      method: 'POST',
      url: '/compte/jetons/:id/revoquer',
      summary: 'Revoke one of one’s API tokens from the account page (`_csrf`)',
      tag: 'pages',
      access: 'signed-in',
      success: { status: 303, description: 'Redirect to the account page', contentType: 'text/html' },
      errors: [404],
    },
    async (request, reply) => {
      await revokeApiToken(deps.store, routeViewer(request), request.params.id, deps.now());
      return reply.code(303).header('location', '/compte?fait=revoque').send();
    },
  );
}

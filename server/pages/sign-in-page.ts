import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/** What the sign-in page may say first, by its `?fin=` (where a browser lands once signed out). */
export const SIGN_IN_NOTICES: Readonly<Record<string, string>> = {
  partout: 'Toutes vos sessions sont fermées, sur chaque navigateur et appareil. Reconnectez-vous pour continuer.',
};

/**
 * The sign-in page: an address, and a link by mail (POST /auth/sign-in answers with its own page);
 * `notice`, a key of {@link SIGN_IN_NOTICES}, says why the browser is here.
 */
export function signInPage(viewer: PageViewer | null, notice?: string): string {
  const said = notice === undefined ? undefined : SIGN_IN_NOTICES[notice];
  return renderAppPage({
    title: 'Connexion',
    viewer,
    body: [
      '<h1>Se connecter</h1>',
      said ? `<p role="status" class="alert ok">${escapeHtml(said)}</p>` : '',
      viewer
        ? `<p class="note">Vous êtes connecté·e en tant que ${escapeHtml(viewer.email)}. <a href="/">` +
          `Aller au tableau de bord</a></p>`
        : '',
      '<p>Pas de mot de passe : indiquez votre adresse, Concerto vous envoie un lien de connexion.</p>',
      `<form method="post" action="/auth/sign-in">${csrfField(viewer)}`,
      '<div class="field"><label for="email">Adresse électronique</label>',
      '<input id="email" name="email" type="email" autocomplete="email" required></div>',
      '<p><button type="submit">Recevoir un lien de connexion</button></p>',
      '</form>',
    ],
  });
}

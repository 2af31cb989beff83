import { csrfField, escapeHtml, renderAppPage, type PageViewer } from './layout.js';

/** The sign-in page: an address, and a link by mail (POST /auth/sign-in answers with its own page). */
export function signInPage(viewer: PageViewer | null): string {
  return renderAppPage({
    title: 'Connexion',
    viewer,
    body: [
      '<h1>Se connecter</h1>',
      viewer
        ? `<p class="note">Vous êtes connecté·e en tant que ${escapeHtml(viewer.email)}. <a href="/">` +
          `Aller au tableau de bord</a></p>`
        : '',
      '<p>Pas de mot de passe : indiquez votre adresse, Concerto vous envoie un lien de connexion.</p>',
      `<form method="post" action="/auth/sign-in">${csrfField(viewer)}`,
      '<label for="email">Adresse électronique</label>',
      '<input id="email" name="email" type="email" autocomplete="email" required size="40">',
      '<p><button type="submit">Recevoir un lien de connexion</button></p>',
      '</form>',
    ],
  });
}

/** The French mail that carries a sign-in link (server/routes/sign-in.ts). Pure. */
import { SIGN_IN_LINK_MINUTES } from '../../domain/sign-in-link.js';
import { paragraph, renderHtml, renderText, type Block } from './mail-blocks.js';

export interface SignInMailInput {
  name: string;
  link: string;
}

/** Subject, plain text and HTML of the mail. */
export function composeSignInMail(input: SignInMailInput): { subject: string; text: string; html: string } {
  const subject = 'Votre lien de connexion à Concerto';
  const blocks: Block[] = [
    paragraph(input.name.trim() ? `Bonjour ${input.name.trim()},` : 'Bonjour,'),
    paragraph('Vous avez demandé à vous connecter à Concerto. Ouvrez ce lien, puis confirmez :'),
    { type: 'links', heading: 'Se connecter :', links: [{ label: 'Me connecter à Concerto', href: input.link }] },
    paragraph(
      `Le lien fonctionne une seule fois, pendant ${SIGN_IN_LINK_MINUTES} ` +
        `minutes. Ne le transférez à personne : il ouvre votre compte.`,
    ),
    paragraph('Si vous n’avez rien demandé, ignorez ce message : personne ne peut se connecter sans ouvrir ce lien.'),
  ];
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}

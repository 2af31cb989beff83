/**
 * The French mail that asks a partner's referent for the partner's opinion on a fiche awaited by
 * the COPIL, and the reminder a week later: each carries the referent's own signed link to the page
 * that shows the fiche and takes the opinion. Pure: no I/O, no clock.
 */
import type { FicheRef } from '../../domain/fiche-notices.js';
import { PARTNER_LABELS } from '../../domain/lifecycle/labels.js';
import type { Partner } from '../../domain/lifecycle/vocabulary.js';
import { formatFrench } from '../../domain/paris-time.js';
import { paragraph } from './mail-blocks.js';
import { composeNotice, type ComposedNotice } from './notices/notice-mail.js';

export interface PartnerOpinionMailInput {
  fiche: FicheRef;
  version: number;
  partner: Partner;
  /** The referent's signed link to the opinion page. */
  link: string;
  /** When the link stops working. */
  expiresAt: Date;
  /** Set for the reminder: when the opinion was first asked. */
  askedAt?: Date;
  /** IANA zone dates are written in. */
  zone: string;
}

/** The words of the button-like link, which the mail's text part also shows before the address. */
export const OPINION_LINK_LABEL = (partner: Partner) => `Donner l’avis de la ${PARTNER_LABELS[partner]}`;

export function composePartnerOpinionMail(input: PartnerOpinionMailInput): ComposedNotice {
  const partner = PARTNER_LABELS[input.partner];
  const { code, title } = input.fiche;
  const fiche = `la fiche action ${code} « ${title} » (version ${input.version})`;
  const subject = input.askedAt
    ? `Rappel : avis de la ${partner} attendu sur la fiche ${code}`
    : `Avis de la ${partner} demandé sur la fiche ${code}`;
  const opening = input.askedAt
    ? `L’avis de la ${partner} sur ${fiche}, demandé le ${formatFrench(input.askedAt, input.zone)}, ` +
      'n’est pas encore enregistré.'
    : `Le COTECH a examiné ${fiche}, qui attend maintenant la décision du COPIL.`;
  return composeNotice(subject, [
    paragraph(opening),
    paragraph(
      `Le COPIL statue au vu de l’avis de la CAF et de celui de la MSA. Référent de la ${partner}, vous pouvez ` +
        `donner l’avis de la ${partner} : favorable, réservé ou défavorable, avec un commentaire (obligatoire ` +
        'pour un avis réservé ou défavorable).',
    ),
    {
      type: 'links',
      heading: 'Pour lire la fiche et donner l’avis, sans compte ni mot de passe :',
      links: [{ label: OPINION_LINK_LABEL(input.partner), href: input.link }],
    },
    paragraph(
      `Ce lien vous est personnel, ne sert qu’une fois et expire le ` +
        `${formatFrench(input.expiresAt, input.zone, { withTime: true })}. Un seul avis de la ${partner} est ` +
        'attendu : le premier de ses référents qui répond le donne.',
    ),
  ]);
}

import { paragraph } from './mail-blocks.js';
import { composeNotice, type ComposedNotice } from './notices/notice-mail.js';

/** Why a mail will not reach its recipient. */
export type UndeliveredReason = 'refused' | 'unreachable' | 'bounced';

/** A mail that will not reach its recipient, as the organiser and the coordinators are told of it. */
export interface DeliveryAlertInput {
  recipient: string;
  subject: string;
  /** What the mail was about: « la fiche FA-2026-03 », « la réunion « COTECH de juin » ». */
  about: string;
  reason: UndeliveredReason;
  /** The mail server's own words, when it gave any. */
  response: string | null;
}

/** The reason in French, as the alert and the admin's timeline say it. */
export const UNDELIVERED_LABELS: Readonly<Record<UndeliveredReason, string>> = {
  refused: 'adresse refusée par le serveur du destinataire',
  unreachable: 'relais injoignable',
  bounced: 'avis de non-remise reçu',
};

const ADVICE: Readonly<Record<UndeliveredReason, string>> = {
  refused: 'Vérifiez l’adresse de cette personne (ou demandez-lui une autre adresse), puis corrigez-la dans Concerto.',
  unreachable:
    'Le serveur d’envoi n’a pas répondu pendant des heures : prévenez l’administrateur de Concerto, ' +
    'et transmettez le message à cette personne par un autre moyen.',
  bounced: 'Vérifiez l’adresse de cette personne (ou demandez-lui une autre adresse), puis corrigez-la dans Concerto.',
};

/** The alert mail: which mail, to whom, why, and what to do. */
export function composeDeliveryAlert(input: DeliveryAlertInput): ComposedNotice {
  return composeNotice(`Courriel non remis à ${input.recipient}`, [
    paragraph(
      `Le courriel « ${input.subject} » envoyé pour ${input.about} n’a pas pu être remis à ${input.recipient} ` +
        `(${UNDELIVERED_LABELS[input.reason]}).`,
    ),
    ...(input.response ? [paragraph(`Réponse du serveur : ${input.response}`)] : []),
    paragraph(ADVICE[input.reason]),
    paragraph('Les autres destinataires ont reçu leur courriel ; le suivi continue.'),
  ]);
}

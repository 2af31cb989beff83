import type { FicheRef } from '../domain/fiche-notices.js';
import type { Partner } from '../domain/lifecycle/vocabulary.js';
import { composePartnerOpinionMail } from '../documents/mail/partner-opinion-mail.js';
import { opinionLink } from '../infra/links/signed-links.js';
import { DEFAULT_TIMING } from '../workflows/definitions.js';
import { sendWorkflowMail, type MailActivities, type NotificationResult } from './mail.js';

/** One request (or reminder) for a partner's opinion, to one of its referents. */
export interface PartnerOpinionMailRequest {
  workflowId: string;
  ficheId: string;
  fiche: FicheRef;
  version: number;
  partner: Partner;
  recipient: string;
  /** Tells this sending from the others of the fiche (`avis-caf-v1`, `rappel-avis-caf-v1`). */
  occasion: string;
  /** For the reminder: when the opinion was first asked (ISO instant). */
  askedAt?: string;
  /** IANA zone the mail writes its dates in; the default timing's when left out. */
  zone?: string;
}

export interface PartnerOpinionMailDependencies {
  send: MailActivities['sendNotification'];
  /** Base URL of the web pages, for the signed links. */
  publicUrl: string;
  linkSecret: string;
}

/** A link outlives the reminder and the coordinators' notice, so a late referent can still answer. */
export const OPINION_LINK_DAYS = 28;

/**
 * The mails that ask a partner's referents for its opinion: each carries the referent's own
 * single-use link (fresh in the reminder), and is sent once per (fiche, occasion, recipient)
 * through the notification ledger (activities/mail.ts).
 */
export function createPartnerOpinionMailActivities({ send, publicUrl, linkSecret }: PartnerOpinionMailDependencies) {
  return {
    async sendPartnerOpinionMail(request: PartnerOpinionMailRequest): Promise<NotificationResult> {
      const expiresAt = new Date(Date.now() + OPINION_LINK_DAYS * 86_400_000);
      const composed = composePartnerOpinionMail({
        fiche: request.fiche,
        version: request.version,
        partner: request.partner,
        link: opinionLink({
          publicUrl,
          secret: linkSecret,
          ficheId: request.ficheId,
          version: request.version,
          partner: request.partner,
          email: request.recipient,
          expiresAt,
        }),
        expiresAt,
        ...(request.askedAt ? { askedAt: new Date(request.askedAt) } : {}),
        zone: request.zone ?? DEFAULT_TIMING.zone,
      });
      return sendWorkflowMail(send, request, composed);
    },
  };
}

export type PartnerOpinionMailActivities = ReturnType<typeof createPartnerOpinionMailActivities>;

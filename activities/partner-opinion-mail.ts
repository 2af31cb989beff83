import type { FicheRef } from '../domain/fiche-notices.js';
import type { Partner } from '../domain/lifecycle/vocabulary.js';
import { composePartnerOpinionMail } from '../documents/mail/partner-opinion-mail.js';
import { opinionLink } from '../infra/links/signed-links.js';
import { DEFAULT_TIMING } from '../workflows/definitions.js';
import type { FicheStore } from '../store/fiches/fiche-store.js';
import { sendEachLine, sendWorkflowMail, type MailActivities, type NoticeLine, type NoticeResult } from './mail.js';

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

/** The requests (or reminders) for partners' opinions, to each of their referents in the convention. */
export type PartnerOpinionsRequest = Omit<PartnerOpinionMailRequest, 'recipient' | 'partner' | 'occasion'> & {
  conventionId: string;
  /** Each partner asked, with the occasion its mails are keyed under (`avis-caf-v1`, `rappel-avis-caf-v1`). */
  partners: Array<Pick<PartnerOpinionMailRequest, 'partner' | 'occasion'>>;
};

export interface PartnerOpinionMailDependencies {
  send: MailActivities['sendNotification'];
  /** Who speaks for the partner: its referents' addresses. */
  resolveAudience: FicheStore['resolveAudience'];
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
export function createPartnerOpinionMailActivities({
  send,
  resolveAudience,
  publicUrl,
  linkSecret,
}: PartnerOpinionMailDependencies) {
  async function sendPartnerOpinionMail(request: PartnerOpinionMailRequest): Promise<NoticeLine> {
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
  }
  return {
    sendPartnerOpinionMail,
    /** Each partner's referents are read, then each is mailed their own link, in one activity (sendEachLine). */
    async askPartnerOpinions({ conventionId, partners, ...request }: PartnerOpinionsRequest): Promise<NoticeResult> {
      const asked = await Promise.all(
        partners.map(async (asking) => {
          const audience = { kind: 'partner', partner: asking.partner } as const;
          const referents = await resolveAudience({ conventionId, ficheId: request.ficheId, audience });
          return referents.map((recipient) => ({ ...request, ...asking, recipient }));
        }),
      );
      return sendEachLine(asked.flat(), sendPartnerOpinionMail);
    },
  };
}

export type PartnerOpinionMailActivities = ReturnType<typeof createPartnerOpinionMailActivities>;

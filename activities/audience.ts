import type { Notice } from '../domain/fiche-notices.js';
import type { FicheStore } from '../store/fiches/fiche-store.js';
import { renderNotice } from '../documents/mail/notices/render-notice.js';
import { sendEachLine, sendWorkflowMail, type MailActivities, type NoticeResult } from './mail.js';

/** A fiche's notices of one occasion (a step, a reminder), each to the people its audience names when sent. */
export interface FicheNoticesRequest {
  conventionId: string;
  ficheId: string;
  workflowId: string;
  /** Tells this sending from the fiche's others; each notice's step follows it in its ledger keys. */
  occasion: string;
  notices: Notice[];
}

/** Activities that turn an audience into addresses, from the convention's members, and tell them. */
export function createAudienceActivities(fiches: FicheStore, send: MailActivities['sendNotification']) {
  return {
    /** The addresses of an audience, lower-cased, sorted and without duplicates. */
    resolveAudience: fiches.resolveAudience,
    /**
     * Tells the notices of one occasion to their audiences in one activity: the addresses are read in one statement,
     * then each is mailed under `<workflowId>:<occasion>:<step>:<address>` (activities/mail.ts' sendEachLine).
     */
    async sendFicheNotices({
      conventionId,
      ficheId,
      workflowId,
      occasion,
      notices,
    }: FicheNoticesRequest): Promise<NoticeResult> {
      const audiences = await fiches.resolveAudiences({
        conventionId,
        ficheId,
        audiences: notices.map((notice) => notice.audience),
      });
      const lines = notices.map((notice, i) => {
        const worded = renderNotice(notice.content);
        return audiences[i]!.map((recipient) => ({ recipient, occasion: `${occasion}:${notice.step}`, worded }));
      });
      // A person in two audiences of one step (the author who sits in the GTT) gets one mail of a subject, not two.
      const seen = new Set<string>();
      const once = lines.flat().filter(({ recipient, worded }) => {
        const key = `${recipient}\n${worded.subject}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      return sendEachLine(once, ({ recipient, occasion: sending, worded }) =>
        sendWorkflowMail(send, { workflowId, occasion: sending, recipient }, worded),
      );
    },
  };
}

export type AudienceActivities = ReturnType<typeof createAudienceActivities>;

import type { Notice } from '../domain/fiche-notices.js';
import type { FicheStore } from '../store/fiches/fiche-store.js';
import { renderNotice } from '../documents/mail/notices/render-notice.js';
import { sendEachLine, sendWorkflowMail, type MailActivities, type NoticeResult } from './mail.js';

/** A fiche's notices of one occasion (a step, a reminder), each to the people its audience names when sent. */
export interface FicheSending {
  /** Tells this sending from the fiche's others; each notice's step follows it in its ledger keys. */
  occasion: string;
  notices: Notice[];
}

/**
 * The sendings of one activity, in the order they were decided: several when steps were taken while the mail of
 * an earlier one was still going out. Activities scheduled before 'notices-coalesced' carry one sending's
 * `occasion` and `notices` instead.
 */
export type FicheNoticesRequest = { conventionId: string; ficheId: string; workflowId: string } & (
  { sendings: FicheSending[] } | FicheSending
);

/** Activities that turn an audience into addresses, from the convention's members, and tell them. */
export function createAudienceActivities(fiches: FicheStore, send: MailActivities['sendNotification']) {
  return {
    /** The addresses of an audience, lower-cased, sorted and without duplicates. */
    resolveAudience: fiches.resolveAudience,
    /**
     * Tells the notices of one or more occasions to their audiences in one activity: the addresses are read in one
     * statement, then each is mailed under `<workflowId>:<occasion>:<step>:<address>` (activities/mail.ts'
     * sendEachLine).
     */
    async sendFicheNotices(request: FicheNoticesRequest): Promise<NoticeResult> {
      const { conventionId, ficheId, workflowId } = request;
      const sendings = 'sendings' in request ? request.sendings : [request];
      const notices = sendings.flatMap(({ occasion, notices }) => notices.map((notice) => ({ occasion, notice })));
      const audiences = await fiches.resolveAudiences({
        conventionId,
        ficheId,
        audiences: notices.map(({ notice }) => notice.audience),
      });
      const lines = notices.map(({ occasion, notice }, i) => {
        const worded = renderNotice(notice.content);
        return audiences[i]!.map((recipient) => ({
          recipient,
          occasion,
          sending: `${occasion}:${notice.step}`,
          worded,
        }));
      });
      // A person in two audiences of one step (the author who sits in the GTT) gets one mail of a subject, not two.
      const seen = new Set<string>();
      const once = lines.flat().filter(({ recipient, occasion, worded }) => {
        const key = `${occasion}\n${recipient}\n${worded.subject}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      return sendEachLine(once, ({ recipient, sending, worded }) =>
        sendWorkflowMail(send, { workflowId, occasion: sending, recipient }, worded),
      );
    },
  };
}

export type AudienceActivities = ReturnType<typeof createAudienceActivities>;

import type { PrivacyStore } from '../store/privacy/privacy-store.js';

/** Activities of a convention's retention workflow: its dates, and the anonymisation once due. */
export function createRetentionActivities({ privacy }: { privacy: PrivacyStore }) {
  return {
    /** The convention's end, its retention period and when its personal data falls due. */
    loadRetention: privacy.findRetention,

    /**
     * Anonymises the convention's people no longer seated anywhere, at `at` (the workflow's time,
     * ISO), audited; null when not yet due. A retry finds them anonymised and the run recorded.
     */
    async anonymiseDeparted({ conventionId, at, actor }: { conventionId: string; at: string; actor: string }) {
      return privacy.anonymiseDeparted({ conventionId, now: new Date(at), actor });
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;

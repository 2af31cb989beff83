import type { ConventionDates } from '../store/conventions/find-convention-dates.js';
import type { ConventionStore } from '../store/conventions/convention-store.js';
import type { FicheStore } from '../store/fiches/fiche-store.js';
import type { MeetingStore } from '../store/meetings/meeting-store.js';

export interface ConventionCycleFacts extends ConventionDates {
  /** The web pages' and API's base URL, for the mails. */
  baseUrl: string;
  /** The convention's name and slug, for the mails (absent from the results of runs recorded before). */
  name: string;
  slug: string;
}

export interface ConventionCycleDependencies {
  conventions: ConventionStore;
  fiches: FicheStore;
  meetings: MeetingStore;
  publicUrl: string;
}

/** Activities of the convention's cycle: its dates, the campaigns' fiches, amendments, the COPIL's review. */
export function createConventionCycleActivities({
  conventions,
  fiches,
  meetings,
  publicUrl,
}: ConventionCycleDependencies) {
  return {
    async loadConventionCycle({ conventionId }: { conventionId: string }): Promise<ConventionCycleFacts> {
      const [dates, heading] = await Promise.all([
        conventions.findDates(conventionId),
        conventions.findHeading(conventionId),
      ]);
      return { ...dates, ...heading, baseUrl: publicUrl.replace(/\/+$/, '') };
    },

    /**
     * The convention's fiches en œuvre, each with the pilot of its version in force (its author
     * when it names none) and its évaluation of `year` if recorded, by code.
     */
    loadCampaign: fiches.listCampaign,

    /**
     * Records the amendment (next number, the new end date, the motif) and moves the convention's
     * end date, with its audit line, all at once; a retry finds them written and changes nothing.
     */
    recordProlongation: conventions.recordProlongation,

    /** Writes an avenant « projet » (the next number) with its audit line; a retry finds it written. */
    proposeAmendment: conventions.proposeAmendment,

    /** The avenant of that number, as recorded (its status says whether the three parties signed it). */
    async loadAmendment({ conventionId, number }: { conventionId: string; number: number }) {
      const { amendments } = await conventions.loadSignature(conventionId);
      return amendments.find((a) => a.number === number) ?? null;
    },

    /**
     * Puts the review on the ordre du jour of the next scheduled COPIL meeting (or says where it
     * already is); null when no COPIL meeting is scheduled after `after` (ISO).
     */
    placeReviewOnCopilAgenda: meetings.placeReviewOnCopilAgenda,

    /** The addresses of an instance's members (of some roles only, when given), lower-cased and sorted. */
    conventionAudience: conventions.listInstanceMembers,
  };
}

export type ConventionCycleActivities = ReturnType<typeof createConventionCycleActivities>;

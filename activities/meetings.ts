import type { FicheStore } from '../store/fiches/fiche-store.js';
import type { MeetingStore } from '../store/meetings/meeting-store.js';
import type { OpenDataStore } from '../store/open-data/open-data-store.js';

export type { MeetingFacts } from '../store/meetings/prepare-meeting.js';
export type { MeetingChange } from '../store/meetings/record-meeting-change.js';

/** Activities over the meetings table: invitations, agenda, changes with their audit line. */
export function createMeetingActivities({
  meetings,
  fiches,
  openData,
}: {
  meetings: MeetingStore;
  fiches: FicheStore;
  openData: OpenDataStore;
}) {
  return {
    /**
     * Invites the instance's titulaires (the président as chair) — once, however often it runs — and
     * returns the meeting's facts, with every member's seat.
     */
    prepareMeeting: meetings.prepare,

    /** The ordre du jour as members see it, in order. */
    meetingAgenda: meetings.agendaTitles,

    /** The workflows of the fiches on the meeting's ordre du jour, to tell them it moved. */
    fichesOnAgenda: meetings.fichesOnAgenda,

    /** The workflows of the fiches still under review: some may wait for a meeting of this body. */
    fichesUnderReview: fiches.listUnderReview,

    /** Convenes a suppléant in place of their titulaire, once. */
    inviteSuppleant: meetings.inviteSuppleant,

    /** Records a change of the meeting and its audit line together, once per key. */
    recordMeetingChange: meetings.recordChange,

    /** Whether the meeting's relevé de décisions is on its convention's public page. */
    async decisionsPublished({ meetingId }: { meetingId: string }): Promise<boolean> {
      return (await openData.findPublication(meetingId)) !== null;
    },
  };
}

export type MeetingActivities = ReturnType<typeof createMeetingActivities>;

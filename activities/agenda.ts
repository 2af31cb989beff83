import type { MeetingStore } from '../store/meetings/meeting-store.js';

/** Activities around the meetings a fiche is reviewed at. */
export function createAgendaActivities(meetings: MeetingStore) {
  return {
    /**
     * Puts the fiche on the ordre du jour of the next scheduled meeting of that body — unless it
     * is already on that of a scheduled one (which may have been moved later) — and says where;
     * null when no meeting is scheduled yet (the workflow then waits for one).
     */
    putOnNextAgenda: meetings.putFicheOnNextAgenda,
  };
}

export type AgendaActivities = ReturnType<typeof createAgendaActivities>;

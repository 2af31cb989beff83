/**
 * What a milestone's owner is told before it, as facts: documents/mail/notices/ words it when the
 * mail activity sends it.
 */
export interface CalendarNoticeContent {
  topic: 'calendar';
  kind: 'milestone-reminder';
  milestone: { title: string; startDate: string };
  daysBefore: number;
}

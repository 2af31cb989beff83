import { calendarEvent, type MeetingIcsInput } from '../documents/ics/meeting-ics.js';

/**
 * Each feed event's iCalendar text, kept in memory between requests: writing a VEVENT is most of a
 * feed's cost, and between two polls of a calendar application few meetings change. An entry is
 * found by the event's UID and used only while everything it was written from is the same (so a
 * rescheduled meeting, a new ordre du jour or another organizer writes it again); beyond `capacity`
 * events, the least recently served are dropped.
 */
export class FeedEventCache {
  private readonly texts = new Map<string, { input: string; text: string }>();

  constructor(private readonly capacity: number) {}

  /** The event's VEVENT, as calendarEvent writes it. */
  text(event: MeetingIcsInput): string {
    const input = JSON.stringify(event);
    const held = this.texts.get(event.uid);
    const entry = held?.input === input ? held : { input, text: calendarEvent(event) };
    // Last served last: Map keeps insertion order, so the first key is the least recently served.
    this.texts.delete(event.uid);
    this.texts.set(event.uid, entry);
    if (this.texts.size > this.capacity) this.texts.delete(this.texts.keys().next().value!);
    return entry.text;
  }

  get size(): number {
    return this.texts.size;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import type { InstanceKind } from '../../domain/charter.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import {
  fileMinutesUpdate,
  meetingStateQuery,
  recordAttendanceUpdate,
  sendDecisionSummaryUpdate,
} from '../../workflows/meeting-definitions.js';
import { call, takeUntilDone, type Harness } from './harness.js';
import { GiveUp, persist } from './persist.js';

/** A meeting is held (attendance, decisions sent, minutes filed) this long after it starts. */
const HELD_AFTER_MS = 10_000;
/** A meeting starting sooner than this is too close for a fiche still looking for one. */
const TOO_CLOSE_MS = 3000;
/** Meetings convene once the agenda is quiet this long, and send an update likewise. */
const TIMING = { agendaQuietMs: 2000, agendaUpdateQuietMs: 2000 };

interface Planned {
  kind: InstanceKind;
  title: string;
  startsAt: number;
  workflowId?: string;
}

/**
 * The meetings of the run, scheduled through the client's use case when a fiche needs one: a
 * meeting of that body `leadMs` ahead, unless one starts late enough already. Each is then held
 * by its secretary: attendance, the relevé de décisions (a mail to every member), the minutes,
 * which ends its workflow.
 */
export class MeetingPlanner {
  readonly counts = { scheduled: 0, held: 0, withoutWorkflow: 0, notHeld: 0 };
  private readonly planned: Planned[] = [];
  private readonly scheduling = new Map<InstanceKind, Promise<void>>();
  private readonly holding: Array<Promise<void>> = [];

  constructor(
    private readonly harness: Harness,
    private readonly slugs: Readonly<Record<string, string>>,
    private readonly leadMs: number,
  ) {}

  /** Makes sure a meeting of `kind` starts later than a few seconds from now. */
  async ensure(kind: InstanceKind): Promise<void> {
    const soonest = Date.now() + TOO_CLOSE_MS;
    if (this.planned.some((m) => m.kind === kind && m.startsAt > soonest)) return;
    let pending = this.scheduling.get(kind);
    if (!pending) {
      pending = this.schedule(kind).finally(() => this.scheduling.delete(kind));
      this.scheduling.set(kind, pending);
    }
    await pending;
  }

  /** Resolves once every meeting scheduled so far is held or given up. */
  async holdAll(): Promise<void> {
    for (let seen = 0; seen < this.holding.length; seen = this.holding.length) await Promise.all(this.holding);
  }

  private secretary(kind: InstanceKind): Actor {
    return kind === 'bureau_communautaire' ? this.harness.people.secretaireBureau : this.harness.people.secretaire;
  }

  private async schedule(kind: InstanceKind): Promise<void> {
    const { harness } = this;
    const meeting: Planned = {
      kind,
      title: `${kind} du chaos n° ${this.planned.length + 1}`,
      startsAt: Date.now() + this.leadMs,
    };
    this.planned.push(meeting);
    await harness.whenUp();
    try {
      const scheduled = await scheduleMeeting(
        harness,
        harness.conventionId,
        {
          instance: this.slugs[kind]!,
          title: meeting.title,
          startsAt: new Date(meeting.startsAt).toISOString(),
          endsAt: new Date(meeting.startsAt + 3_600_000).toISOString(),
          // Seconds ahead, on whatever day the run happens: the calendar checks are set aside, on the record.
          override: { reason: 'Exercice de panne : réunion convoquée quelques secondes à l’avance.' },
        },
        this.secretary(kind),
        { timing: TIMING },
      );
      meeting.workflowId = scheduled.workflowId;
    } catch (error) {
      // The row is written before the workflow starts: found, the meeting is the one to hold.
      harness.log(`${meeting.title}: scheduling failed (${(error as Error).message.split('\n')[0]})`);
      await harness.whenUp();
      const row = await persist(
        `${meeting.title}: looking for it`,
        async () => ({ row: await harness.prisma.meeting.findFirst({ where: { title: meeting.title } }) }),
        harness,
      );
      meeting.workflowId = row.row?.workflowId ?? undefined;
      if (!row.row) meeting.startsAt = 0;
    }
    if (meeting.startsAt > 0) this.counts.scheduled += 1;
    if (meeting.workflowId) this.holding.push(this.hold(meeting, meeting.workflowId));
  }

  private async hold(meeting: Planned, workflowId: string): Promise<void> {
    const { harness } = this;
    await sleep(Math.max(0, meeting.startsAt + HELD_AFTER_MS - Date.now()));
    const handle = harness.client.workflow.getHandle(workflowId);
    const actor = this.secretary(meeting.kind);
    const state = () => call(harness, () => handle.query(meetingStateQuery));
    const started = await persist(
      `${meeting.title}: its workflow`,
      () =>
        call(harness, () => handle.describe()).then(
          () => true,
          (error: unknown) => (error instanceof WorkflowNotFoundError ? false : Promise.reject(error)),
        ),
      harness,
    );
    if (!started) {
      // Recorded, but its workflow never started: fiches may sit on its agenda, no mail goes out for it.
      this.counts.withoutWorkflow += 1;
      return;
    }
    try {
      await takeUntilDone(
        harness,
        `${meeting.title}: attendance`,
        handle,
        () =>
          handle.executeUpdate(recordAttendanceUpdate, { args: [{ actor, present: [], excused: [], proxies: [] }] }),
        async () => (await state()).status === 'tenue',
      );
      await takeUntilDone(
        harness,
        `${meeting.title}: relevé de décisions`,
        handle,
        () => handle.executeUpdate(sendDecisionSummaryUpdate, { args: [{ actor }] }),
        async () => (await state()).decisionsSentAt !== null,
      );
      await takeUntilDone(
        harness,
        `${meeting.title}: minutes`,
        handle,
        () => handle.executeUpdate(fileMinutesUpdate, { args: [{ actor, ref: `https://chaos.test/${workflowId}` }] }),
        async () => (await state()).minutesFiledAt !== null,
      );
      this.counts.held += 1;
    } catch (error) {
      if (!(error instanceof GiveUp)) throw error;
      this.counts.notHeld += 1;
      harness.log(error.message);
    }
  }
}

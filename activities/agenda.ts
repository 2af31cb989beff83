import type { InstanceKind } from '../domain/charter.js';
import type { PrismaClient } from '../generated/prisma/client.js';

export interface AgendaPlacement {
  meetingId: string;
  /** ISO instant. */
  startsAt: string;
  title: string;
}

export interface PutOnAgendaInput {
  conventionId: string;
  ficheId: string;
  version: number;
  instanceKind: InstanceKind;
  /** Only meetings starting at or after this instant (ISO) count. */
  after: string;
}

/** Activities around the meetings a fiche is reviewed at. */
export function createAgendaActivities(prisma: PrismaClient) {
  return {
    /**
     * Puts the fiche on the ordre du jour of the next scheduled meeting of that body, or finds it
     * already there; null when no meeting is scheduled yet (the workflow then waits for one).
     */
    async putOnNextAgenda(input: PutOnAgendaInput): Promise<AgendaPlacement | null> {
      return prisma.$transaction(async (tx) => {
        const meeting = await tx.meeting.findFirst({
          where: {
            conventionId: input.conventionId,
            instance: { kind: input.instanceKind },
            status: { in: ['planifiee', 'convoquee'] },
            startsAt: { gte: new Date(input.after) },
          },
          orderBy: { startsAt: 'asc' },
          include: { agenda: true },
        });
        if (!meeting) return null;
        const fiche = await tx.ficheAction.findUniqueOrThrow({ where: { id: input.ficheId }, include: { versions: { where: { version: input.version } } } });
        const title = `Fiche ${fiche.code} (version ${input.version}) : ${fiche.versions[0]?.title ?? ''}`;
        if (!meeting.agenda.some((item) => item.ficheId === input.ficheId && item.title === title)) {
          const position = Math.max(0, ...meeting.agenda.map((item) => item.position)) + 1;
          await tx.agendaItem.create({
            data: { meetingId: meeting.id, position, title, kind: input.instanceKind === 'cotech' ? 'avis' : 'decision', ficheId: input.ficheId },
          });
        }
        return { meetingId: meeting.id, startsAt: meeting.startsAt.toISOString(), title: meeting.title };
      });
    },
  };
}

export type AgendaActivities = ReturnType<typeof createAgendaActivities>;

import type { PrismaClient } from '../../generated/prisma/client.js';
import {
  OFFICIAL_PARTY,
  prolongationTitle,
  signatureStage,
  type AmendmentFacts,
  type AmendmentKind,
  type SignatoryParty,
  type SignaturePath,
  type SignatureStepRecord,
  type SignatureStage,
  type SignatureStepKind,
  type SigningMeeting,
} from '../../domain/convention-signature.js';
import { localDateKey } from '../../domain/paris-time.js';
import { nextAmendment } from './record-prolongation.js';

const day = (date: Date) => date.toISOString().slice(0, 10);
const dateOf = (key: string) => new Date(`${key}T00:00:00Z`);

type StepRow = {
  step: string;
  party: string;
  date: Date;
  reference: string | null;
  meetingId: string | null;
  recordedBy: string;
  recordedAt: Date;
};
const stepOf = (s: StepRow): SignatureStepRecord => ({
  step: s.step as SignatureStepKind,
  party: s.party === OFFICIAL_PARTY ? null : (s.party as SignatoryParty),
  date: day(s.date),
  reference: s.reference,
  meetingId: s.meetingId,
  by: s.recordedBy,
  at: s.recordedAt.toISOString(),
});

type AmendmentRow = {
  number: number;
  kind: string;
  status: string;
  title: string;
  description: string | null;
  previousEndDate: Date | null;
  newEndDate: Date | null;
  signedAt: Date | null;
  proposedBy: string | null;
};
const amendmentOf = (a: AmendmentRow): AmendmentFacts => ({
  number: a.number,
  kind: a.kind as AmendmentKind,
  status: a.status as AmendmentFacts['status'],
  title: a.title,
  motif: a.description,
  previousEndDate: a.previousEndDate && day(a.previousEndDate),
  newEndDate: a.newEndDate && day(a.newEndDate),
  signedAt: a.signedAt && day(a.signedAt),
  proposedBy: a.proposedBy,
});

/** The convention's signature: its status and dates, its path, and each avenant with its own path. */
export interface ConventionSignature {
  conventionId: string;
  status: string;
  zone: string;
  startDate: string;
  endDate: string;
  /** The convention's path (version 0), then each avenant's, by number. */
  paths: SignaturePath[];
  amendments: AmendmentFacts[];
}

/** The convention's signature path and its avenants'; throws when there is no such convention. */
export async function loadSignature(db: PrismaClient, conventionId: string): Promise<ConventionSignature> {
  const convention = await db.convention.findUniqueOrThrow({
    where: { id: conventionId },
    include: {
      amendments: { orderBy: { number: 'asc' } },
      signatureSteps: { orderBy: [{ date: 'asc' }, { recordedAt: 'asc' }] },
    },
  });
  const amendments = convention.amendments.map(amendmentOf);
  const pathOf = (version: number): SignaturePath => ({
    version,
    steps: convention.signatureSteps.filter((s) => s.version === version).map(stepOf),
  });
  return {
    conventionId,
    status: convention.status,
    zone: convention.timezone,
    startDate: day(convention.startDate),
    endDate: day(convention.endDate),
    paths: [pathOf(0), ...amendments.map((a) => pathOf(a.number))],
    amendments,
  };
}

/** A meeting of the convention as the official signing's rules read it; null when it is not one of its meetings. */
export async function findSigningMeeting(
  db: PrismaClient,
  conventionId: string,
  meetingId: string,
): Promise<SigningMeeting | null> {
  const meeting = await db.meeting.findFirst({
    where: { id: meetingId, conventionId },
    include: { convention: { select: { timezone: true } } },
  });
  return (
    meeting && {
      title: meeting.title,
      day: localDateKey(meeting.startsAt, meeting.convention.timezone),
      status: meeting.status,
    }
  );
}

export interface SignatureStepRecordInput {
  conventionId: string;
  version: number;
  step: SignatureStepKind;
  party: SignatoryParty | null;
  /** YYYY-MM-DD, checked by domain/convention-signature.ts' checkSignatureStep. */
  date: string;
  reference: string | null;
  meetingId: string | null;
  actorEmail: string;
  at: Date;
}

/** What recording a step changed: the version's stage, and the avenant it brought into force, if any. */
export interface SignatureStepOutcome {
  stage: SignatureStage;
  /** The avenant the step completed (signed by the three parties); a prolongation moved the end date. */
  signedAmendment: AmendmentFacts | null;
}

/**
 * Records one step of a version's path with its audit line, all at once. The step that completes
 * the path signs it: the convention becomes « signée » (when it was a project), an avenant
 * « signé », and a prolongation moves the convention's end date (status « prolongée »). The
 * administrative signature of the convention also dates the party's signatory line.
 */
export async function recordSignatureStep(
  db: PrismaClient,
  input: SignatureStepRecordInput,
): Promise<SignatureStepOutcome> {
  return db.$transaction(async (tx) => {
    await tx.signatureStep.create({
      data: {
        conventionId: input.conventionId,
        version: input.version,
        step: input.step,
        party: input.party ?? OFFICIAL_PARTY,
        date: dateOf(input.date),
        reference: input.reference,
        meetingId: input.meetingId,
        recordedBy: input.actorEmail,
        recordedAt: input.at,
      },
    });
    if (input.version === 0 && input.step === 'signature' && input.party) {
      await tx.signatory.updateMany({
        where: { conventionId: input.conventionId, structure: { kind: input.party } },
        data: { signedAt: dateOf(input.date) },
      });
    }
    const steps = await tx.signatureStep.findMany({
      where: { conventionId: input.conventionId, version: input.version },
    });
    const stage = signatureStage({
      version: input.version,
      steps: steps.map(stepOf),
    });
    let signedAmendment: AmendmentFacts | null = null;
    if (stage === 'signee' && input.version === 0) {
      await tx.convention.updateMany({
        where: { id: input.conventionId, status: 'projet' },
        data: { status: 'signee' },
      });
    } else if (stage === 'signee') {
      const amendment = await tx.amendment.update({
        where: { conventionId_number: { conventionId: input.conventionId, number: input.version } },
        data: { status: 'signe', signedAt: dateOf(input.date) },
      });
      if (amendment.kind === 'prolongation' && amendment.newEndDate) {
        await tx.convention.update({
          where: { id: input.conventionId },
          data: { endDate: amendment.newEndDate, status: 'prolongee' },
        });
      }
      signedAmendment = amendmentOf(amendment);
    }
    await tx.auditEvent.create({
      data: {
        actor: input.actorEmail,
        action: 'convention.signatureStep',
        subject: `convention:${input.conventionId}`,
        details: {
          version: input.version,
          step: input.step,
          party: input.party,
          date: input.date,
          reference: input.reference,
          meetingId: input.meetingId,
          stage,
        },
        at: input.at,
      },
    });
    return { stage, signedAmendment };
  });
}

export interface AmendmentProposalInput {
  conventionId: string;
  kind: AmendmentKind;
  /** The object of an « autre » avenant; a prolongation's is written from its new end date. */
  title?: string;
  motif: string;
  /** A prolongation's new end date, YYYY-MM-DD. */
  newEndDate?: string;
  actorEmail: string;
  /** One avenant per key: a retried activity finds it written. */
  idempotencyKey: string;
  at: string;
}

/**
 * Writes an avenant « projet » (the next number) with its audit line: it changes nothing of the
 * convention until the three parties have signed it (see {@link recordSignatureStep}).
 */
export async function proposeAmendment(
  db: PrismaClient,
  input: AmendmentProposalInput,
): Promise<{ number: number; title: string; previousEndDate: string }> {
  return db.$transaction(async (tx) => {
    const slot = await nextAmendment(tx, input.conventionId, input.idempotencyKey);
    if ('done' in slot) return slot.done as { number: number; title: string; previousEndDate: string };
    const { convention, number } = slot;
    const title =
      input.kind === 'prolongation' && input.newEndDate
        ? prolongationTitle(number, input.newEndDate)
        : `Avenant n° ${number} : ${input.title}`;
    await tx.amendment.create({
      data: {
        conventionId: input.conventionId,
        number,
        kind: input.kind,
        status: 'projet',
        title,
        description: input.motif,
        newEndDate: input.newEndDate ? dateOf(input.newEndDate) : null,
        previousEndDate: convention.endDate,
        proposedBy: input.actorEmail,
      },
    });
    const details = { number, title, previousEndDate: day(convention.endDate) };
    await tx.auditEvent.create({
      data: {
        key: input.idempotencyKey,
        actor: input.actorEmail,
        action: 'convention.proposeAmendment',
        subject: `convention:${input.conventionId}`,
        details: { ...details, kind: input.kind, newEndDate: input.newEndDate ?? null, motif: input.motif },
        at: new Date(input.at),
      },
    });
    return details;
  });
}

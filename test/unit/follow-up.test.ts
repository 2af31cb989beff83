import { describe, expect, it } from 'vitest';
import {
  followUpDeadlines,
  followUpOf,
  nextEvaluationDue,
  reviewDeadlines,
  type ReviewTiming,
} from '../../domain/lifecycle/follow-up.js';
import type { Action, Actor, LifecycleState } from '../../domain/lifecycle/model.js';
import { apply, initialState } from '../../domain/lifecycle/transitions.js';

// What a fiche's workflow follows, as its row keeps it for the boards: the same dates the workflow waits for.

const AT = '2026-03-26T13:00:00.000Z';
const TIMING: ReviewTiming = { zone: 'Europe/Paris', reminderHour: 9, remindAfterDays: 1, escalateAfterDays: 7 };
const cooperateur: Actor = { email: 'coop@example.org', appRole: 'cooperateur', instanceRoles: {} };
const secretaire: Actor = {
  email: 'sec@example.org',
  appRole: 'secretaire_instance',
  instanceRoles: { cotech: ['secretaire'], copil: ['secretaire'], bureau_communautaire: ['secretaire'] },
};
const caf: Actor = { email: 'caf@example.org', appRole: 'partenaire', instanceRoles: {}, structureKind: 'caf' };
const msa: Actor = { email: 'msa@example.org', appRole: 'partenaire', instanceRoles: {}, structureKind: 'msa' };

const after = (...actions: Action[]): LifecycleState =>
  actions.reduce((state, action) => apply(state, action, AT), initialState());
const submitted = after({ kind: 'submit', actor: cooperateur });
const inForce = after(
  { kind: 'submit', actor: cooperateur },
  { kind: 'recordAvis', actor: secretaire, outcome: 'favorable' },
  { kind: 'recordPartnerOpinion', actor: caf, partner: 'caf', opinion: 'favorable' },
  { kind: 'recordPartnerOpinion', actor: msa, partner: 'msa', opinion: 'favorable' },
  { kind: 'recordCopilDecision', actor: secretaire, outcome: 'adoptee' },
  { kind: 'recordBureauValidation', actor: secretaire, outcome: 'validee' },
);

describe('reviewDeadlines', () => {
  it('reminds the day after the meeting at the reminder hour, Paris time, then escalates a week after', () => {
    // Saturday 28 March 2026 at 19:30 (CET); Paris moves to CEST on Sunday 29 at 02:00.
    const { reminder, escalation } = reviewDeadlines('2026-03-28T18:30:00.000Z', 'cotech', TIMING);
    expect(reminder.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(escalation.toISOString()).toBe('2026-04-04T07:00:00.000Z');
  });

  it('takes an instance’s own delays, and never escalates before reminding', () => {
    const own = { ...TIMING, byInstance: { copil: { remindAfterDays: 3, escalateAfterDays: 2 } } };
    const { reminder, escalation, escalateAfterDays } = reviewDeadlines('2026-01-12T13:00:00.000Z', 'copil', own);
    expect(reminder.toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(escalation).toEqual(reminder);
    expect(escalateAfterDays).toBe(3);
    // Another body keeps the convention's delays.
    expect(reviewDeadlines('2026-01-12T13:00:00.000Z', 'cotech', own).reminder.toISOString()).toBe(
      '2026-01-13T08:00:00.000Z',
    );
  });
});

describe('nextEvaluationDue', () => {
  it('is the first anniversary after now, at the same local hour in summer and winter', () => {
    const start = new Date('2026-01-20T08:00:00.000Z');
    expect(nextEvaluationDue(start, new Date('2026-06-01T00:00:00Z'), 'Europe/Paris').toISOString()).toBe(
      '2027-01-20T08:00:00.000Z',
    );
    expect(nextEvaluationDue(start, new Date('2027-01-20T08:00:00Z'), 'Europe/Paris').toISOString()).toBe(
      '2028-01-20T08:00:00.000Z',
    );
    const summer = new Date('2026-06-15T07:00:00.000Z');
    expect(nextEvaluationDue(summer, summer, 'Europe/Paris').toISOString()).toBe('2027-06-15T07:00:00.000Z');
  });
});

describe('followUpOf and followUpDeadlines', () => {
  it('follows a body’s review: no deadline until a meeting is known, then the review’s', () => {
    const waiting = followUpOf(submitted, TIMING, {});
    expect(waiting).toEqual({ kind: 'review', what: expect.stringMatching(/^le COTECH rend son avis/) });
    expect(followUpDeadlines(waiting, new Date(AT))).toEqual({});

    const placed = followUpOf(submitted, TIMING, { meetingStartsAt: '2026-04-02T12:00:00.000Z' });
    expect(followUpDeadlines(placed, new Date(AT))).toEqual({
      reminder: '2026-04-03T07:00:00.000Z',
      escalation: '2026-04-09T07:00:00.000Z',
    });
  });

  it('follows the yearly évaluation of a fiche en œuvre, from the day its implementation started', () => {
    const followUp = followUpOf(inForce, TIMING, { implementationStartedAt: '2026-05-04T15:42:00.000Z' });
    expect(followUp).toEqual({
      kind: 'evaluation',
      what: null,
      start: '2026-05-04T07:00:00.000Z',
      zone: 'Europe/Paris',
    });
    expect(followUpDeadlines(followUp, new Date('2028-02-01T00:00:00Z'))).toEqual({
      evaluation: '2028-05-04T07:00:00.000Z',
    });
  });

  it('follows nothing while an amendment is drafted, nor once the fiche is closed', () => {
    const drafting = apply(inForce, { kind: 'requestAmendment', actor: cooperateur, summary: 'Budget revu' }, AT);
    expect(followUpOf(drafting, TIMING, { implementationStartedAt: AT })).toMatchObject({ kind: 'none' });
    const closed = apply(inForce, { kind: 'close', actor: cooperateur, reason: 'Terminée' }, AT);
    expect(followUpOf(closed, TIMING, { implementationStartedAt: AT })).toEqual({ kind: 'none', what: null });
  });
});

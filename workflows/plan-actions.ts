import { allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { MailActivities } from '../activities/mail.js';
import type { PlanActivities, PlanFacts } from '../activities/plan-actions.js';
import {
  DEFAULT_PLAN_TIMING,
  applyPlanAction,
  checkPlanAction,
  parsePlanAction,
  planReminderAt,
  planWaitingFor,
  type PlanStage,
} from '../domain/plan-actions.js';
import type { PlanNoticeContent } from '../domain/plan-notices.js';
import { INSTANCE_KIND_LABELS } from '../domain/charter.js';
import { durationUntil } from '../domain/paris-time.js';
import { MAIL_ACTIVITY, STORE_ACTIVITY } from './activity-options.js';
import { DEFAULT_TIMING } from './definitions.js';
import { asFailure } from './failures.js';
import { OneStepAtATime } from './plumbing/one-step-at-a-time.js';
import { Outbox } from './plumbing/outbox.js';
import {
  advancePlanUpdate,
  planActionsStateQuery,
  type PlanActionsInput,
  type PlanActionsState,
} from './plan-actions-definitions.js';

const plan = proxyActivities<PlanActivities>(STORE_ACTIVITY);
const mail = proxyActivities<MailActivities>(MAIL_ACTIVITY);

/**
 * A convention's plan d'actions from its élaboration with the groupe d'élaboration to its
 * presentation to the conseil communautaire (domain/plan-actions.ts): each step is an update whose
 * validator applies the plan's rules before anything enters history; each step is recorded with
 * the plan and told to the groupe, the coordinators and whoever acts next; a stage that lasts is
 * reminded to those it waits for, on a timer, a few times. The run ends once the plan is presented.
 */
export async function planActionsWorkflow(input: PlanActionsInput): Promise<PlanActionsState> {
  const { workflowId } = workflowInfo();
  const timing = { ...DEFAULT_PLAN_TIMING, ...input.timing };
  const state: PlanActionsState = {
    planId: input.planId,
    period: '',
    lifecycle: { stage: 'elaboration', since: new Date().toISOString(), history: [] },
    remindersSent: [],
    nextReminder: null,
  };
  let facts: PlanFacts | undefined = undefined;
  let changes = 0;
  const steps = new OneStepAtATime({
    busy: 'Une autre étape du plan d’actions est en cours d’enregistrement : réessayez dans un instant.',
    preparing: 'Le plan d’actions se prépare : réessayez dans un instant.',
  });
  const outbox = new Outbox<{ occasion: string; to: string[]; notice: PlanNoticeContent }>(
    async ({ occasion, to, notice }) => {
      if (to.length > 0) await mail.sendNotice({ workflowId, occasion, to, notice });
    },
  );

  /** The members of the body the plan waits for at `stage` (none once presented). */
  async function waitedFor(stage: PlanStage, known: PlanFacts): Promise<string[]> {
    const waiting = planWaitingFor(stage, known.charter);
    if (!waiting) return [];
    return plan.planAudience({
      conventionId: input.conventionId,
      instanceKind: waiting.instanceKind,
      ...(waiting.roles ? { roles: waiting.roles } : {}),
    });
  }

  setHandler(
    advancePlanUpdate,
    async (raw) => {
      const action = parsePlanAction(raw);
      return steps.run(async () => {
        const known = facts!;
        const at = new Date().toISOString();
        const after = applyPlanAction(state.lifecycle, action, at);
        const epoch = after.history.length;
        const entry = after.history[epoch - 1]!;
        await plan.recordPlanStep({
          planId: input.planId,
          conventionId: input.conventionId,
          epoch,
          idempotencyKey: `${workflowId}:step-${epoch}`,
          entry,
        });
        state.lifecycle = after;
        state.remindersSent = [];
        const [groupe, coordinators, next] = await Promise.all([
          plan.planAudience({ conventionId: input.conventionId, instanceKind: 'groupe_elaboration' }),
          plan.planAudience({ conventionId: input.conventionId, ...DEFAULT_TIMING.coordinators }),
          waitedFor(after.stage, known),
        ]);
        const waiting = planWaitingFor(after.stage, known.charter);
        outbox.push({
          occasion: `step-${epoch}`,
          to: [...new Set([...groupe, ...coordinators, ...next])].sort(),
          notice: {
            topic: 'plan',
            kind: 'plan-step',
            period: known.period,
            pageUrl: known.pageUrl,
            action: entry.action,
            stage: after.stage,
            by: entry.by,
            ...(entry.outcome ? { outcome: entry.outcome } : {}),
            ...(entry.comment ? { comment: entry.comment } : {}),
            next: waiting
              ? `Prochaine étape, pour le ${INSTANCE_KIND_LABELS[waiting.instanceKind]} : ${waiting.what}.`
              : null,
          },
        });
        changes += 1;
        return state;
      });
    },
    {
      validator: (raw) =>
        asFailure(() => {
          const known = steps.ready(facts);
          checkPlanAction(state.lifecycle, parsePlanAction(raw), known.charter);
        }),
    },
  );
  setHandler(planActionsStateQuery, () => state);

  facts = await plan.loadPlanFacts({ planId: input.planId });
  state.period = facts.period;
  state.lifecycle = facts.lifecycle;

  while (state.lifecycle.stage !== 'presentee') {
    await outbox.flush();
    const { stage, since } = state.lifecycle;
    const n = state.remindersSent.length + 1;
    const due = n <= timing.maxReminders ? planReminderAt(since, n, timing, facts.zone) : null;
    state.nextReminder = due?.toISOString() ?? null;
    if (due && due.getTime() <= Date.now()) {
      state.remindersSent.push(due.toISOString());
      const waiting = planWaitingFor(stage, facts.charter)!;
      outbox.push({
        occasion: `${stage}-${state.lifecycle.history.length}:rappel-${n}`,
        to: await waitedFor(stage, facts),
        notice: {
          topic: 'plan',
          kind: 'plan-reminder',
          period: facts.period,
          pageUrl: facts.pageUrl,
          stage,
          since,
          what: waiting.what,
          zone: facts.zone,
        },
      });
      continue;
    }
    const seen = changes;
    const woken = () => changes !== seen || outbox.pending;
    if (due) await condition(woken, durationUntil(new Date(), due));
    else await condition(woken);
  }
  state.nextReminder = null;
  await condition(allHandlersFinished);
  await outbox.flush();
  return state;
}

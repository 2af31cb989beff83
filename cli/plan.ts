import { usageError } from './cli-error.js';
import { text, type Command } from './command.js';
import { conventionSlug } from './convention-arg.js';
import type { ApiClient } from './http-client.js';
import { fields, frenchInstant } from './output.js';

/** The plan d'actions as GET …/plan-actions answers it (client/plan-actions-view.ts), what the CLI prints of it. */
interface PlanView {
  convention: { name: string; territory: string };
  plan: {
    stage: string;
    history: Array<{ action: string; at: string; by: string; outcome?: string; comment?: string }>;
  } | null;
  period: string;
  stageLabel: string;
  ficheCount: number;
}

// The plan's rules bring zod: loaded by these verbs only, not at every start of the CLI.
const rules = () => import('../domain/plan-actions.js');

const planRoute = async (api: ApiClient, given: string | undefined) =>
  `/api/conventions/${encodeURIComponent(await conventionSlug(api, given))}/plan-actions`;

/** The plan d'actions: where it stands and its steps; opening it; taking a step, by the same route as the page. */
export const planCommands: Record<string, Command> = {
  'plan show': {
    usage: 'plan show [--convention <slug>]',
    summary: 'montre l’état du plan d’actions de la convention et les étapes franchies',
    options: { convention: { type: 'string' } },
    async run({ values, api, out }) {
      const view = await api.json<PlanView>('GET', await planRoute(api, text(values, 'convention')));
      const { PLAN_ACTION_LABELS, PLAN_BUREAU_OUTCOME_LABELS } = await rules();
      const label = (action: string) => PLAN_ACTION_LABELS[action as keyof typeof PLAN_ACTION_LABELS] ?? action;
      const outcome = (o: string) => PLAN_BUREAU_OUTCOME_LABELS[o as keyof typeof PLAN_BUREAU_OUTCOME_LABELS] ?? o;
      out.result(view, (v) =>
        [
          `Plan d’actions ${v.period} — ${v.convention.name}`,
          fields([
            ['État', v.stageLabel],
            ['Fiches actions', v.ficheCount],
          ]),
          ...(v.plan?.history.length
            ? [
                'Étapes :',
                ...v.plan.history.map(
                  (h) =>
                    `  - ${frenchInstant(h.at)} : ${label(h.action)}${h.outcome ? ` (${outcome(h.outcome)})` : ''}` +
                    `, par ${h.by}${h.comment ? `\n    « ${h.comment} »` : ''}`,
                ),
              ]
            : [v.plan ? 'Aucune étape franchie pour l’instant.' : 'Ouvrez-le : concerto plan open.']),
        ].join('\n'),
      );
    },
  },
  'plan open': {
    usage: 'plan open [--convention <slug>]',
    summary: 'ouvre le plan d’actions de la convention pour ses années (coopérateurs et administrateurs)',
    options: { convention: { type: 'string' } },
    async run({ values, api, out }) {
      const opened = await api.json<{ period: string; started: boolean }>(
        'POST',
        await planRoute(api, text(values, 'convention')),
        { json: {} },
      );
      out.result(opened, (o) =>
        o.started
          ? `Plan d’actions ${o.period} ouvert : il est en élaboration avec le groupe d’élaboration.`
          : `Le plan d’actions ${o.period} est déjà ouvert : rien n’a changé.`,
      );
    },
  },
  'plan step': {
    usage: 'plan step <étape> [--outcome <décision>] [--comment <texte>] [--convention <slug>]',
    summary:
      'franchit une étape du plan d’actions : finishElaboration, submitToBureau, ' +
      'recordBureauDecision --outcome valide|a_reprendre (--comment obligatoire pour a_reprendre), recordPresentation',
    options: { outcome: { type: 'string' }, comment: { type: 'string' }, convention: { type: 'string' } },
    positionals: ['étape'],
    async run({ values, positionals, api, out }) {
      const { PLAN_ACTION_KINDS, PLAN_ACTION_LABELS, PLAN_STAGE_LABELS } = await rules();
      const kind = positionals[0]!;
      if (!(PLAN_ACTION_KINDS as readonly string[]).includes(kind))
        throw usageError(`plan step : étape inconnue « ${kind} ».`, `Étapes : ${PLAN_ACTION_KINDS.join(', ')}.`);
      const outcome = text(values, 'outcome');
      const comment = text(values, 'comment');
      // The outcome and the comment go as given: the plan's rules say, in French, what they must be.
      const state = await api.json<{ lifecycle: { stage: keyof typeof PLAN_STAGE_LABELS } }>(
        'POST',
        `${await planRoute(api, text(values, 'convention'))}/actions/${kind}`,
        { json: { ...(outcome === undefined ? {} : { outcome }), ...(comment === undefined ? {} : { comment }) } },
      );
      out.result(
        state,
        (s) =>
          `Étape enregistrée : ${PLAN_ACTION_LABELS[kind as keyof typeof PLAN_ACTION_LABELS]}.\n` +
          `Le plan d’actions est ${PLAN_STAGE_LABELS[s.lifecycle.stage]}.`,
      );
    },
  },
};

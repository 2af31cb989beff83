import {
  AVIS_OUTCOMES,
  BUREAU_OUTCOMES,
  COPIL_OUTCOMES,
  PARTNER_OPINIONS,
  type ActionKind,
} from '../domain/lifecycle/vocabulary.js';
import type { FicheState } from '../domain/fiche-views.js';
import { usageError } from './cli-error.js';
import { text, type Command } from './command.js';
import { describeFiche } from './fiche.js';

/** Who decides, the lifecycle step it records, and the outcomes it takes. */
const BODIES = {
  cotech: { kind: 'recordAvis', field: 'outcome', outcomes: AVIS_OUTCOMES },
  caf: { kind: 'recordPartnerOpinion', field: 'opinion', outcomes: PARTNER_OPINIONS },
  msa: { kind: 'recordPartnerOpinion', field: 'opinion', outcomes: PARTNER_OPINIONS },
  copil: { kind: 'recordCopilDecision', field: 'outcome', outcomes: COPIL_OUTCOMES },
  bureau: { kind: 'recordBureauValidation', field: 'outcome', outcomes: BUREAU_OUTCOMES },
} as const satisfies Record<string, { kind: ActionKind; field: string; outcomes: readonly string[] }>;

const bodyList = Object.entries(BODIES)
  .map(([body, { outcomes }]) => `${body} (${outcomes.join(', ')})`)
  .join(' ; ');

/** Recording a body's decision on a fiche: the COTECH's avis, a partner's opinion, the COPIL's, the Bureau's. */
export const decideCommands: Record<string, Command> = {
  decide: {
    usage: `decide <fiche> <instance> <décision> [--comment <texte>]   — ${bodyList}`,
    summary: 'enregistre la décision d’une instance sur la fiche, à sa réunion ou après',
    options: { comment: { type: 'string' } },
    positionals: ['fiche', 'instance', 'décision'],
    async run({ values, positionals, api, out }) {
      const [fiche, body, outcome] = positionals as [string, string, string];
      if (!Object.hasOwn(BODIES, body))
        throw usageError(`decide : instance inconnue « ${body} ».`, `Instances : ${bodyList}.`);
      const step = BODIES[body as keyof typeof BODIES];
      if (!(step.outcomes as readonly string[]).includes(outcome)) {
        throw usageError(
          `decide : « ${outcome} » n’est pas une décision de ${body}.`,
          `Décisions possibles : ${step.outcomes.join(', ')}.`,
        );
      }
      const comment = text(values, 'comment');
      const input = {
        [step.field]: outcome,
        ...(step.kind === 'recordPartnerOpinion' ? { partner: body } : {}),
        ...(comment ? { comment } : {}),
      };
      const state = await api.json<FicheState>(
        'POST',
        `/api/fiches/${encodeURIComponent(fiche)}/actions/${step.kind}`,
        { json: input },
      );
      out.result(state, (s) => `Décision enregistrée : ${body} ${outcome}.\n${describeFiche(s)}`);
    },
  },
};

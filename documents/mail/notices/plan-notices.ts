import { PLAN_ACTION_LABELS, PLAN_BUREAU_OUTCOME_LABELS, PLAN_STAGE_LABELS } from '../../../domain/plan-actions.js';
import type { PlanNoticeContent } from '../../../domain/plan-notices.js';
import { formatFrench } from '../../../domain/paris-time.js';
import { paragraph, type Block } from '../mail-blocks.js';
import { composeNotice, type ComposedNotice } from './notice-mail.js';

/** The mails of the plan d'actions: French, for people. */

const link = (pageUrl: string): Block => ({
  type: 'links',
  heading: 'Le plan d’actions, ses fiches et son historique :',
  links: [{ label: 'Voir le plan d’actions', href: pageUrl }],
});

/** What the plan's workflow tells, from the facts it decided. */
export function composePlanNotice(notice: PlanNoticeContent): ComposedNotice {
  const plan = `Plan d’actions ${notice.period}`;
  if (notice.kind === 'plan-reminder') {
    const since = formatFrench(new Date(notice.since), notice.zone);
    return composeNotice(`Rappel : ${plan}, ${PLAN_STAGE_LABELS[notice.stage]}`, [
      paragraph(
        `Le plan d’actions ${notice.period} de la Convention Territoriale Globale est ` +
          `${PLAN_STAGE_LABELS[notice.stage]} depuis le ${since}. Ce qui vous est demandé : ${notice.what}.`,
      ),
      link(notice.pageUrl),
    ]);
  }
  const decision = notice.outcome ? ` : ${PLAN_BUREAU_OUTCOME_LABELS[notice.outcome]}` : '';
  return composeNotice(`${plan} — ${PLAN_ACTION_LABELS[notice.action]}${decision}`, [
    paragraph(
      `${PLAN_ACTION_LABELS[notice.action]}${decision}, enregistrée par ${notice.by}. ` +
        `Le plan d’actions ${notice.period} est désormais ${PLAN_STAGE_LABELS[notice.stage]}.`,
    ),
    ...(notice.comment ? [paragraph(`Commentaire : ${notice.comment}`)] : []),
    paragraph(notice.next ?? 'Le parcours du plan d’actions est achevé : place à sa mise en œuvre.'),
    link(notice.pageUrl),
  ]);
}

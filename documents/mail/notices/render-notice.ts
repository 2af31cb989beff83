import type { CalendarNoticeContent } from '../../../domain/calendar-notices.js';
import type { ConventionNoticeContent } from '../../../domain/convention-notices.js';
import type { FicheNoticeContent } from '../../../domain/fiche-notices.js';
import type { PlanNoticeContent } from '../../../domain/plan-notices.js';
import { composeCalendarNotice } from './calendar-notices.js';
import { composeConventionNotice } from './convention-notices.js';
import { composeFicheNotice } from './fiche-notices.js';
import { composePlanNotice } from './plan-notices.js';
import type { ComposedNotice } from './notice-mail.js';

/** Any notice a workflow decides, as facts: told apart by `topic`. */
export type NoticeContent = FicheNoticeContent | CalendarNoticeContent | ConventionNoticeContent | PlanNoticeContent;

/** The notice's subject, text and HTML, as the mail activity sends it. */
export function renderNotice(notice: NoticeContent): ComposedNotice {
  switch (notice.topic) {
    case 'fiche':
      return composeFicheNotice(notice);
    case 'calendar':
      return composeCalendarNotice(notice);
    case 'convention':
      return composeConventionNotice(notice);
    case 'plan':
      return composePlanNotice(notice);
  }
}

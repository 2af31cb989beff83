import type { CalendarNoticeContent } from '../../../domain/calendar-notices.js';
import { formatFrenchDate, parseDateKey } from '../../../domain/paris-time.js';
import { paragraph } from '../mail-blocks.js';
import { composeNotice, type ComposedNotice } from './notice-mail.js';

/** What a milestone's owner is told before it: French, for people. */
export function composeCalendarNotice({ milestone, daysBefore }: CalendarNoticeContent): ComposedNotice {
  const when = formatFrenchDate(parseDateKey(milestone.startDate));
  const delay = daysBefore === 1 ? 'demain' : `dans ${daysBefore} jours`;
  return composeNotice(
    `Rétroplanning : « ${milestone.title} » ${delay}`,
    [
      paragraph(
        `L’étape « ${milestone.title} » du rétroplanning de la Convention ` +
          `Territoriale Globale commence ${delay}, le ${when}. ` +
          `Vous en êtes responsable : si elle doit être décalée, déplacez-la dans le calendrier, les rappels suivront.`,
      ),
    ],
    // Shorter than the other notices' signature, as it always was.
    'Concerto',
  );
}

import { formatFrenchDate, parseDateKey } from './paris-time.js';

/** What a milestone's owner is told before it: French, for people. */
export function milestoneReminder(
  milestone: { title: string; startDate: string },
  daysBefore: number,
): { subject: string; text: string } {
  const when = formatFrenchDate(parseDateKey(milestone.startDate));
  const delay = daysBefore === 1 ? 'demain' : `dans ${daysBefore} jours`;
  return {
    subject: `Rétroplanning : « ${milestone.title} » ${delay}`,
    text:
      `Bonjour,\n\nL’étape « ${milestone.title} » du rétroplanning de la Convention Territoriale Globale commence ${delay}, le ${when}. ` +
      `Vous en êtes responsable : si elle doit être décalée, déplacez-la dans le calendrier, les rappels suivront.\n\nConcerto`,
  };
}

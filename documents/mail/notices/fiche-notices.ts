import { INSTANCE_KIND_LABELS } from '../../../domain/charter.js';
import type { FicheNoticeContent, FicheRef } from '../../../domain/fiche-notices.js';
import {
  AVIS_LABELS,
  BUREAU_OUTCOME_LABELS,
  COPIL_OUTCOME_LABELS,
  PARTNER_LABELS,
  PARTNER_OPINION_LABELS,
  STAGE_LABELS,
} from '../../../domain/lifecycle/labels.js';
import { paragraph, type Block } from '../mail-blocks.js';
import { composeNotice, type ComposedNotice } from './notice-mail.js';

function fiche(ref: FicheRef, version: number): string {
  return `la fiche action ${ref.code} « ${ref.title} » (version ${version})`;
}

/** To whom a fiche reaching a body is told (its secretariat, its président): how its members learn of it. */
const BODY_TOLD_BY_AGENDA =
  'Vous recevez ce message pour préparer la réunion : les membres de l’instance trouveront la fiche à l’ordre du ' +
  'jour de leur convocation, ou de sa mise à jour si la réunion est déjà convoquée.';

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The body's sentence, then the body's comment when there is one. */
function withComment(sentence: string, comment: string | undefined): Block[] {
  return [paragraph(sentence), ...(comment ? [paragraph(`Commentaire : ${comment}`)] : [])];
}

/** What a fiche's notice says, in French: the lifecycle's steps, the reminders and the escalations. */
export function composeFicheNotice(notice: FicheNoticeContent): ComposedNotice {
  const ref = notice.fiche;
  const { code, title } = ref;
  switch (notice.kind) {
    case 'submitted': {
      const Of = capitalised(fiche(ref, notice.version));
      return notice.to === 'cotech'
        ? composeNotice(`Fiche ${code} soumise au COTECH`, [
            paragraph(`${Of} est soumise : elle sera inscrite à l’ordre du jour de la prochaine réunion du COTECH.`),
            paragraph(BODY_TOLD_BY_AGENDA),
          ])
        : composeNotice(`Votre fiche ${code} est soumise`, [
            paragraph(`${Of} est soumise au COTECH, qui rendra son avis en réunion.`),
          ]);
    }
    case 'avis': {
      const label = AVIS_LABELS[notice.outcome];
      const back =
        notice.gtt && notice.outcome === 'a_retravailler' ? ' Elle revient au GTT pour être retravaillée.' : '';
      return composeNotice(
        `Avis du COTECH sur la fiche ${code} : ${label}`,
        withComment(`Le COTECH a rendu son avis sur ${fiche(ref, notice.version)} : ${label}.${back}`, notice.comment),
      );
    }
    case 'sent-to-copil':
      return composeNotice(`Fiche ${code} transmise au COPIL`, [
        paragraph(
          `${capitalised(fiche(ref, notice.version))} est transmise au COPIL avec l’avis ${AVIS_LABELS[notice.avis]} ` +
            `du COTECH. La CAF et la MSA sont invitées à donner leur avis avant la décision.`,
        ),
        paragraph(BODY_TOLD_BY_AGENDA),
      ]);
    case 'partner-opinion': {
      const partner = PARTNER_LABELS[notice.partner];
      return composeNotice(
        `Avis de la ${partner} sur la fiche ${code}`,
        withComment(
          `La ${partner} a donné son avis sur ${fiche(ref, notice.version)} ` +
            `: ${PARTNER_OPINION_LABELS[notice.opinion]}.`,
          notice.comment,
        ),
      );
    }
    case 'copil-decision': {
      const label = COPIL_OUTCOME_LABELS[notice.outcome];
      return composeNotice(
        `Décision du COPIL sur la fiche ${code} : ${label}`,
        withComment(`Le COPIL a décidé sur ${fiche(ref, notice.version)} : ${label}.`, notice.comment),
      );
    }
    case 'sent-to-bureau':
      return composeNotice(`Fiche ${code} à valider`, [
        paragraph(
          `${capitalised(fiche(ref, notice.version))}, adoptée par le ` +
            `COPIL, est soumise à la validation du Bureau communautaire.`,
        ),
        paragraph(BODY_TOLD_BY_AGENDA),
      ]);
    case 'bureau-validation': {
      const label = BUREAU_OUTCOME_LABELS[notice.outcome];
      return composeNotice(
        `Fiche ${code} ${label} par le Bureau communautaire`,
        withComment(`Le Bureau communautaire a statué sur ${fiche(ref, notice.version)} : ${label}.`, notice.comment),
      );
    }
    case 'implementation':
      return composeNotice(`Fiche ${code} : mise en œuvre`, [
        paragraph(
          `${capitalised(fiche(ref, notice.version))} est validée et entre en œuvre. ` +
            `Vous en êtes le pilote : une évaluation vous sera demandée chaque année.`,
        ),
      ]);
    case 'amendment':
      return composeNotice(`Avenant à la fiche ${code}`, [
        paragraph(
          `Une nouvelle version (${notice.latestVersion}) de la fiche ${code} « ${title} » est ouverte : ` +
            `${notice.summary}. La version ${notice.versionInForce ?? ''} reste en vigueur jusqu’à la validation de ` +
            `la nouvelle.`,
        ),
      ]);
    case 'withdrawn':
      return composeNotice(`Fiche ${code} retirée`, [
        paragraph(`${capitalised(fiche(ref, notice.version))} est retirée : ${notice.reason}.`),
      ]);
    case 'evaluation-recorded':
      return composeNotice(`Évaluation ${notice.year} de la fiche ${code}`, [
        paragraph(`L’évaluation ${notice.year} de la fiche ${code} « ${title} » est enregistrée : ${notice.summary}`),
      ]);
    case 'closed':
      return composeNotice(`Fiche ${code} clôturée`, [
        paragraph(`La fiche ${code} « ${title} » est clôturée : ${notice.reason}.`),
      ]);
    case 'decision-reminder':
      return composeNotice(`Rappel : décision à enregistrer sur la fiche ${code}`, [
        paragraph(
          `La réunion « ${notice.meetingTitle} » a eu lieu, mais aucune décision n’est enregistrée sur ` +
            `${fiche(ref, notice.version)} (${STAGE_LABELS[notice.stage]}). Enregistrez-la dans Concerto.`,
        ),
      ]);
    case 'escalation': {
      const body = INSTANCE_KIND_LABELS[notice.instanceKind];
      return composeNotice(`Relance : décision du ${body} attendue sur la fiche ${code}`, [
        paragraph(
          `${notice.days} jours après la réunion « ${notice.meetingTitle} », la décision ` +
            `du ${body} sur ${fiche(ref, notice.version)} n’est toujours pas enregistrée.`,
        ),
      ]);
    }
    case 'partner-opinions-missing': {
      const partners = notice.partners.map((partner) => `de la ${PARTNER_LABELS[partner]}`).join(' et ');
      const many = notice.partners.length > 1;
      return composeNotice(`Relance : avis ${partners} attendu${many ? 's' : ''} sur la fiche ${code}`, [
        paragraph(
          `${many ? 'Les avis' : 'L’avis'} ${partners} ${many ? 'ont été demandés' : 'a été demandé'} il y a ` +
            `${notice.days} jours sur ${fiche(ref, notice.version)}, puis ${many ? 'rappelés' : 'rappelé'}, sans ` +
            `réponse : le COPIL ne peut pas statuer sans ${many ? 'eux' : 'lui'}. Prenez contact avec le partenaire, ` +
            'ou enregistrez son avis dans Concerto s’il vous l’a transmis autrement.',
        ),
      ]);
    }
    case 'evaluation-due':
      return composeNotice(`Évaluation ${notice.year} de la fiche ${code} à renseigner`, [
        paragraph(
          `Il est temps de renseigner l’évaluation ${notice.year} de la fiche ` +
            `${code} « ${title} » : ses indicateurs et ce qui a été fait.`,
        ),
      ]);
  }
}

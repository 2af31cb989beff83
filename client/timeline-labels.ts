import type { MeetingMailKind } from '../documents/mail/meeting-mail.js';
import type { PollMailKind } from '../documents/mail/poll-mail.js';

/** The French words of a workflow timeline: names of workflows, updates, signals, activities, mails. */

/** French names of the workflow types (workflows/index.ts). */
export const WORKFLOW_LABELS: Readonly<Record<string, string>> = {
  ficheLifecycleWorkflow: 'Cycle de vie d’une fiche action',
  meetingWorkflow: 'Réunion',
  datePollWorkflow: 'Sondage de date',
  calendarYearWorkflow: 'Calendrier annuel',
  conventionCycleWorkflow: 'Cycle de la convention',
  retentionWorkflow: 'Conservation des données personnelles',
  planActionsWorkflow: 'Plan d’actions',
};

/** French names of the updates (workflows/*definitions.ts). */
export const UPDATE_LABELS: Readonly<Record<string, string>> = {
  submit: 'Soumission de la fiche',
  recordAvis: 'Avis du COTECH',
  recordPartnerOpinion: 'Avis d’un partenaire',
  recordCopilDecision: 'Décision du COPIL',
  recordBureauValidation: 'Validation par le Bureau communautaire',
  requestAmendment: 'Demande d’avenant',
  withdraw: 'Retrait de la fiche',
  recordEvaluation: 'Évaluation annuelle',
  close: 'Clôture',
  editContent: 'Modification du contenu de la fiche',
  reschedule: 'Report de la réunion',
  cancel: 'Annulation de la réunion',
  declineCounter: 'Refus d’une contre-proposition d’horaire',
  recordAttendance: 'Présences et excusés',
  sendDecisionSummary: 'Envoi du relevé de décisions',
  fileMinutes: 'Dépôt du compte rendu',
  vote: 'Réponse au sondage',
  signUp: 'Inscription à une date',
  withdrawSignUp: 'Retrait d’une inscription',
  chooseAmongTied: 'Choix de la date entre les ex aequo',
  setRules: 'Règles du calendrier',
  reloadRules: 'Relecture des règles du calendrier (changées dans la convention)',
  moveMilestone: 'Déplacement d’un jalon',
  prolong: 'Prolongation de la convention par avenant',
  advancePlan: 'Étape du plan d’actions',
};

/** French names of the signals (workflows/*definitions.ts). */
export const SIGNAL_LABELS: Readonly<Record<string, string>> = {
  meetingScheduled: 'Réunion programmée',
  comment: 'Commentaire',
  agendaChanged: 'Ordre du jour modifié',
  rsvp: 'Réponse à l’invitation',
  evaluationRecorded: 'Évaluation d’une fiche enregistrée',
  retentionChanged: 'Durée de conservation modifiée',
  amendmentSigned: 'Avenant signé par les trois parties',
};

/** French names of the activities (activities/*.ts). */
export const ACTIVITY_LABELS: Readonly<Record<string, string>> = {
  saveFiche: 'Enregistrement de la fiche',
  saveFicheContent: 'Enregistrement du contenu de la fiche',
  recordLifecycleStep: 'Inscription de l’étape au journal',
  resolveAudience: 'Recherche des destinataires',
  putOnNextAgenda: 'Inscription à l’ordre du jour de la prochaine réunion',
  sendNotification: 'Courriel',
  sendMeetingMail: 'Courriel de réunion',
  pushMeetingToCalendars: 'Inscription dans les agendas reliés (CalDAV)',
  recordCalendarPushFailure: 'Échec de l’inscription dans un agenda relié, consigné',
  sendPollMail: 'Courriel du sondage',
  sendPartnerOpinionMail: 'Demande d’avis au partenaire',
  sendNotice: 'Courriel à plusieurs destinataires',
  sendFicheNotices: 'Courriels de la fiche à leurs destinataires',
  askPartnerOpinions: 'Demande d’avis aux référents des partenaires',
  sendMeetingMails: 'Courriels de réunion',
  sendPollMails: 'Courriels du sondage',
  prepareMeeting: 'Préparation de la réunion',
  meetingAgenda: 'Lecture de l’ordre du jour',
  fichesOnAgenda: 'Fiches à l’ordre du jour',
  fichesUnderReview: 'Fiches en attente d’examen',
  recordMeetingChange: 'Inscription du changement au journal',
  recordBallot: 'Enregistrement des réponses',
  recordPollStatus: 'Inscription de l’état du sondage au journal',
  createPollMeeting: 'Création de la réunion retenue',
  loadCalendarYear: 'Lecture du calendrier de l’année',
  createCalendarMeeting: 'Création d’une réunion du calendrier',
  moveMilestone: 'Déplacement d’un jalon',
  loadConventionCycle: 'Lecture des dates de la convention',
  loadCampaign: 'Fiches de la campagne d’évaluation',
  recordProlongation: 'Enregistrement de la prolongation',
  proposeAmendment: 'Enregistrement du projet d’avenant',
  loadAmendment: 'Lecture de l’avenant signé',
  placeReviewOnCopilAgenda: 'Inscription du bilan à l’ordre du jour du COPIL',
  loadPlanFacts: 'Lecture du plan d’actions',
  recordPlanStep: 'Inscription de l’étape du plan d’actions',
  planAudience: 'Recherche des destinataires du plan d’actions',
  conventionAudience: 'Recherche des destinataires de la convention',
  inviteSuppleant: 'Invitation du suppléant',
  decisionsPublished: 'Lecture de la publication du relevé',
  loadRetention: 'Lecture de la durée de conservation',
  anonymiseDeparted: 'Anonymisation des personnes qui ne siègent plus',
};

/** French names of the meeting mails (documents/mail/meeting-mail.ts). */
export const MEETING_MAIL_LABELS: Readonly<Record<MeetingMailKind, string>> = {
  convocation: 'Convocation',
  suppleant: 'Convocation du suppléant',
  proxy_offer: 'Proposition de donner pouvoir',
  update: 'Modification de la réunion',
  cancel: 'Annulation de la réunion',
  counter_declined: 'Refus d’une contre-proposition d’horaire',
  reminder: 'Rappel de la réunion',
  decisions: 'Relevé de décisions',
  minutes: 'Compte rendu',
  minutes_reminder: 'Rappel du compte rendu',
};

/** French names of the date-poll mails (documents/mail/poll-mail.ts). */
export const POLL_MAIL_LABELS: Readonly<Record<PollMailKind, string>> = {
  invitation: 'Invitation au sondage',
  reminder: 'Relance du sondage',
  tie: 'Égalité à départager',
  tie_reminder: 'Relance : égalité à départager',
  result: 'Date retenue',
};

/** A mail attempt's outcome in the ledger. */
export const ATTEMPT_LABELS: Readonly<Record<string, string>> = {
  sent: 'envoyé',
  retrying: 'échec, nouvel essai prévu',
  failed: 'échec définitif',
  bounced: 'avis de non-remise reçu',
};

/** An invitee's answer (iCalendar PARTSTAT). */
export const PARTSTAT_LABELS: Readonly<Record<string, string>> = {
  ACCEPTED: 'participera',
  TENTATIVE: 'participera peut-être',
  DECLINED: 'ne participera pas',
  'NEEDS-ACTION': 'sans réponse',
};

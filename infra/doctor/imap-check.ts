import { imapClient } from '../imap-in/imap-client.js';
import type { ImapSettings } from '../imap-in/imap-settings.js';
import type { DoctorCheck } from './mail-checks.js';

const TIMEOUT_MS = 10_000;

/**
 * Logs in to the reply mailbox as the poller would and reads the status of the folder replies arrive
 * in: ok with how many messages wait there unread; failed when the server does not answer, refuses
 * the login, or has no such folder. Nothing is read, marked or moved.
 */
export async function checkImap(settings: ImapSettings | undefined): Promise<DoctorCheck> {
  if (!settings)
    return {
      name: 'IMAP',
      outcome: 'not_checked',
      reason: 'IMAP_URL n’est pas défini : les réponses arrivent par les liens et l’écouteur SMTP.',
    };
  const where = `${settings.user} sur ${settings.host}:${settings.port}`;
  const imap = imapClient(settings, { connectionMs: TIMEOUT_MS, socketMs: TIMEOUT_MS });
  // A lost connection is also emitted as an event; without a listener it would throw out of the process.
  imap.on('error', () => {});
  try {
    await imap.connect();
  } catch (error) {
    const failure = error as Error & { authenticationFailed?: boolean; code?: string };
    return {
      name: 'IMAP',
      outcome: 'failed',
      reason: failure.authenticationFailed
        ? `connexion de ${where} refusée : identifiant ou mot de passe (IMAP_USER, IMAP_PASSWORD).`
        : `${settings.host}:${settings.port} ne répond pas en IMAP (${failure.code ?? failure.message}).`,
    };
  }
  try {
    const status = await imap.status(settings.mailbox, { messages: true, unseen: true });
    if (!status) throw new Error('no status');
    return {
      name: 'IMAP',
      outcome: 'ok',
      reason:
        `connexion de ${where} ; dossier « ${settings.mailbox} » : ${status.messages ?? 0} message(s), ` +
        `${status.unseen ?? 0} non lu(s).`,
    };
  } catch {
    return {
      name: 'IMAP',
      outcome: 'failed',
      reason: `connexion de ${where}, mais le dossier « ${settings.mailbox} » n’existe pas (IMAP_MAILBOX).`,
    };
  } finally {
    await imap.logout().catch(() => imap.close());
  }
}

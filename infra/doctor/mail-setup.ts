import type { ImapSettings } from '../imap-in/imap-settings.js';
import type { DkimOptions } from '../smtp-out/mail-transport.js';
import { checkImap } from './imap-check.js';
import { checkDkim, checkSmtp, type DoctorCheck } from './mail-checks.js';

/** The mail configuration `concerto doctor` checks, as infra/config.ts reads it. */
export interface MailSetup {
  smtpUrl?: string | undefined;
  dkim?: DkimOptions | undefined;
  imap?: ImapSettings | undefined;
}

/** Every mail check at once: the relay and its TLS, the DKIM key, the reply mailbox's login. */
export async function checkMailSetup(setup: MailSetup): Promise<DoctorCheck[]> {
  const [smtp, dkim, imap] = await Promise.all([
    checkSmtp(setup.smtpUrl),
    checkDkim(setup.dkim),
    checkImap(setup.imap),
  ]);
  return [...smtp, dkim, imap];
}

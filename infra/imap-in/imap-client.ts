import { ImapFlow } from 'imapflow';
import type { ImapSettings } from './imap-settings.js';

/**
 * An IMAP client for the reply mailbox, as the poller and `concerto doctor` both open it: TLS from the
 * first byte (imaps://) or STARTTLS when required, the mailbox's login, no logger, no automatic IDLE.
 */
export function imapClient(settings: ImapSettings, timeouts: { connectionMs: number; socketMs: number }): ImapFlow {
  return new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.requireStartTls ? { doSTARTTLS: true } : {}),
    auth: { user: settings.user, pass: settings.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeouts.connectionMs,
    socketTimeout: timeouts.socketMs,
  });
}

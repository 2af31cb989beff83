import { createPrivateKey, createPublicKey } from 'node:crypto';
import { promises as dns } from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import type { DkimOptions } from '../smtp-out/mail-transport.js';

/** One check of `concerto doctor`: its outcome and why, in French. */
export interface DoctorCheck {
  name: string;
  outcome: 'ok' | 'failed' | 'not_checked';
  reason: string;
}

const TIMEOUT_MS = 10_000;

/**
 * Greets the relay of SMTP_URL and reads its EHLO answer: reachable, and TLS offered (smtps:// is
 * TLS from the start; smtp:// must list STARTTLS). Two checks; the second is not checked when the
 * first fails. No message is sent and no login tried.
 */
export async function checkSmtp(smtpUrl: string | undefined): Promise<DoctorCheck[]> {
  if (!smtpUrl)
    return [
      {
        name: 'SMTP',
        outcome: 'not_checked',
        reason: 'SMTP_URL n’est pas défini : le courrier va au collecteur intégré.',
      },
    ];
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const port = Number(url.port || (secure ? 465 : 587));
  let ehlo: string;
  try {
    ehlo = await greet(url.hostname, port, secure);
  } catch (error) {
    return [
      {
        name: 'SMTP',
        outcome: 'failed',
        reason: `${url.hostname}:${port} ne répond pas en SMTP (${(error as Error).message}).`,
      },
      { name: 'TLS', outcome: 'not_checked', reason: 'le serveur SMTP n’a pas répondu.' },
    ];
  }
  const reached: DoctorCheck = {
    name: 'SMTP',
    outcome: 'ok',
    reason: `${url.hostname}:${port} répond à EHLO.`,
  };
  if (secure) return [reached, { name: 'TLS', outcome: 'ok', reason: 'TLS dès la connexion (smtps://).' }];
  const offered = /^250[- ]STARTTLS\b/im.test(ehlo);
  return [
    reached,
    offered
      ? { name: 'TLS', outcome: 'ok', reason: 'le serveur propose STARTTLS.' }
      : {
          name: 'TLS',
          outcome: 'failed',
          reason:
            'le serveur ne propose pas STARTTLS : le courrier partirait en clair. Utilisez smtps:// ou un relais TLS.',
        },
  ];
}

/** The server's EHLO answer (all its lines), then QUIT. */
function greet(host: string, port: number, secure: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = secure
      ? tls.connect({ host, port, servername: host, rejectUnauthorized: true })
      : net.connect({ host, port });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('délai dépassé')));
    let buffer = '';
    let greeted = false;
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      // A reply is complete on a line « NNN text » (a space after the code).
      if (!/(^|\n)\d{3} [^\n]*\r?\n$/.test(buffer)) return;
      if (!greeted) {
        if (!buffer.startsWith('220')) return socket.destroy(new Error(`accueil inattendu : ${buffer.trim()}`));
        greeted = true;
        buffer = '';
        socket.write('EHLO concerto.doctor\r\n');
        return;
      }
      const answer = buffer;
      socket.end('QUIT\r\n');
      if (answer.startsWith('250')) resolve(answer);
      else reject(new Error(`EHLO refusé : ${answer.trim()}`));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ?? error.message)));
  });
}

/** Resolves TXT records; injectable so a test gives its own. */
export type TxtResolver = (name: string) => Promise<string[][]>;

/**
 * The DKIM key signing outgoing mail against the one published at `<selector>._domainkey.<domain>`:
 * ok when they are the same key, failed when another is published, not checked when the name
 * does not resolve (no DNS from here, or not yet published).
 */
export async function checkDkim(
  dkim: DkimOptions | undefined,
  resolveTxt: TxtResolver = (name) => dns.resolveTxt(name),
): Promise<DoctorCheck> {
  if (!dkim)
    return {
      name: 'DKIM',
      outcome: 'not_checked',
      reason: 'DKIM_DOMAIN n’est pas défini : le courrier part non signé.',
    };
  const name = `${dkim.keySelector}._domainkey.${dkim.domainName}`;
  let records: string[][];
  try {
    records = await resolveTxt(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { name: 'DKIM', outcome: 'not_checked', reason: `${name} ne se résout pas d’ici (${code}).` };
  }
  const ours = createPublicKey(createPrivateKey(dkim.privateKey))
    .export({ type: 'spki', format: 'der' })
    .toString('base64');
  const published = records
    .map((chunks) => chunks.join(''))
    .map((record) => /(?:^|;)\s*p=([^;]*)/.exec(record)?.[1]?.replace(/\s+/g, ''))
    .filter((key): key is string => key !== undefined);
  if (published.includes(ours))
    return { name: 'DKIM', outcome: 'ok', reason: `la clé publiée à ${name} est celle qui signe.` };
  return {
    name: 'DKIM',
    outcome: 'failed',
    reason:
      published.length === 0
        ? `${name} ne publie aucune clé (p=).`
        : `la clé publiée à ${name} n’est pas celle de DKIM_PRIVATE_KEY_FILE : le courrier signé serait rejeté.`,
  };
}

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The CalDAV app passwords at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the
 * configured secret (CALDAV_SECRET, else the links' secret), so a copy of the database alone
 * gives no password. Stored as `v1.<iv>.<tag>.<ciphertext>` (base64url); a changed secret or an
 * altered value fails to open rather than giving a wrong password.
 */
export interface PasswordBox {
  seal(password: string): string;
  open(sealed: string): string;
}

const VERSION = 'v1';

export function passwordBox(secret: string): PasswordBox {
  // Derived on first use: a process that never opens a password needs no secret.
  let derived: Buffer | undefined;
  const key = (): Buffer => {
    if (secret.length < 16) throw new Error('The CalDAV password secret must be at least 16 characters long.');
    return (derived ??= Buffer.from(hkdfSync('sha256', secret, 'concerto', 'caldav app passwords', 32)));
  };
  return {
    seal(password) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key(), iv);
      const body = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
      return [VERSION, ...[iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'))].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('Not a sealed CalDAV password.');
      const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

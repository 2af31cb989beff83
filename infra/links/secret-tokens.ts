/**
 * Bearer secrets (session cookies, API tokens): 32 random bytes, of which the store keeps only the
 * SHA-256, so reading the database — a backup, a dump — signs nobody in. A plain hash suffices:
 * the secret has 256 bits of entropy, nothing to guess by brute force.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A fresh secret, with `prefix` (e.g. `cct_` for API tokens, so a leaked one is recognisable), and its hash. */
export function newSecretToken(prefix = ''): { token: string; hash: string } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashSecretToken(token) };
}

/** The SHA-256 (hex) the store keeps of a secret. */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

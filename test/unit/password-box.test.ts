import { describe, expect, it } from 'vitest';
import { passwordBox } from '../../infra/caldav/password-box.js';

describe('passwordBox (CalDAV app passwords at rest, AES-256-GCM)', () => {
  const box = passwordBox('a-secret-of-at-least-32-bytes-0123456789');

  it('opens what it sealed; the sealed form holds no clear text and differs each time', () => {
    const sealed = box.seal('mot de passe d’application');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('mot');
    expect(box.seal('mot de passe d’application')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('mot de passe d’application');
  });

  it('refuses a value altered, or sealed under another secret', () => {
    const sealed = box.seal('secret');
    const [version, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => box.open([version, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => passwordBox('another-secret-of-at-least-32-bytes-9876').open(sealed)).toThrow();
    expect(() => box.open('secret')).toThrow(/Not a sealed/);
  });

  it('refuses a short secret when used, not when built', () => {
    const weak = passwordBox('court');
    expect(() => weak.seal('x')).toThrow(/at least 16/);
  });
});

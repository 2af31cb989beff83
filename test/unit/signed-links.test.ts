import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LINK_ERROR_REASONS,
  LINK_SECRET_FILE,
  LinkError,
  resolveLinkSecret,
  rsvpLinks,
  signLink,
  verifyLink,
  type LinkErrorReason,
} from '../../infra/links/signed-links.js';

const SECRET = 'a-test-secret-of-forty-two-bytes-at-least!';
const OTHER_SECRET = 'another-secret-also-long-enough-to-be-used';
const NOW = new Date('2026-06-01T10:00:00Z');
const LATER = new Date('2026-06-16T15:00:00Z');
const input = {
  purpose: 'rsvp' as const,
  subject: 'meeting-1',
  email: 'Elue@Example.org',
  answer: 'ACCEPTED',
  expiresAt: LATER,
};

function refusal(run: () => unknown): LinkErrorReason {
  try {
    run();
  } catch (error) {
    if (error instanceof LinkError) {
      expect(error.userMessage).toBe(LINK_ERROR_REASONS[error.reason].message);
      return error.reason;
    }
    throw error;
  }
  throw new Error('expected a LinkError');
}

/** Replaces one base64url character of `part` (0: payload, 1: signature) with another. */
function tamper(token: string, part: 0 | 1): string {
  const parts = token.split('.');
  const text = parts[part]!;
  const at = Math.floor(text.length / 2);
  parts[part] = `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
  return parts.join('.');
}

describe('signed links', () => {
  it('round-trips: the payload comes back as signed, with a random jti', () => {
    const token = signLink(input, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const payload = verifyLink(token, SECRET, { purpose: 'rsvp', now: NOW });
    expect(payload).toEqual({
      purpose: 'rsvp',
      subject: 'meeting-1',
      email: 'Elue@Example.org',
      answer: 'ACCEPTED',
      exp: LATER.getTime() / 1000,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    expect(verifyLink(signLink(input, SECRET), SECRET, { purpose: 'rsvp', now: NOW }).jti).not.toBe(payload.jti);
  });

  it('refuses a tampered payload as forged', () => {
    const token = signLink(input, SECRET);
    expect(refusal(() => verifyLink(tamper(token, 0), SECRET, { purpose: 'rsvp', now: NOW }))).toBe('forged');
    // A payload rewritten whole (another answer), keeping the original signature.
    const [, mac] = token.split('.');
    const rewritten = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()), answer: 'DECLINED' }),
    ).toString('base64url');
    expect(refusal(() => verifyLink(`${rewritten}.${mac}`, SECRET, { purpose: 'rsvp', now: NOW }))).toBe('forged');
  });

  it('refuses a tampered or shortened signature as forged', () => {
    const token = signLink(input, SECRET);
    expect(refusal(() => verifyLink(tamper(token, 1), SECRET, { purpose: 'rsvp', now: NOW }))).toBe('forged');
    expect(refusal(() => verifyLink(token.slice(0, -4), SECRET, { purpose: 'rsvp', now: NOW }))).toBe('forged');
  });

  it('refuses a token signed with another secret as forged', () => {
    const token = signLink(input, OTHER_SECRET);
    expect(refusal(() => verifyLink(token, SECRET, { purpose: 'rsvp', now: NOW }))).toBe('forged');
  });

  it('refuses an expired token, from its expiry second on, and a forged one as forged even when expired', () => {
    const token = signLink(input, SECRET);
    expect(verifyLink(token, SECRET, { purpose: 'rsvp', now: new Date(LATER.getTime() - 1000) }).subject).toBe(
      'meeting-1',
    );
    expect(refusal(() => verifyLink(token, SECRET, { purpose: 'rsvp', now: LATER }))).toBe('expired');
    expect(refusal(() => verifyLink(tamper(token, 1), SECRET, { purpose: 'rsvp', now: LATER }))).toBe('forged');
  });

  it('refuses a genuine token signed for another purpose, and one naming no known purpose', () => {
    // A token claiming a purpose no version knows, signed with the right secret.
    const token = signLink({ ...input, purpose: 'unknown' as 'rsvp' }, SECRET);
    expect(refusal(() => verifyLink(token, SECRET, { purpose: 'rsvp', now: NOW }))).toBe('malformed');
    const genuine = signLink(input, SECRET);
    expect(refusal(() => verifyLink(genuine, SECRET, { purpose: 'feed', now: NOW }))).toBe('wrong_purpose');
    expect(refusal(() => verifyLink(genuine, SECRET, { purpose: 'vote', now: NOW }))).toBe('wrong_purpose');
  });

  it('refuses malformed tokens', () => {
    for (const token of ['', 'abc', 'a.b.c', 'not base64!.abc', `${signLink(input, SECRET)}.x`]) {
      expect(
        refusal(() => verifyLink(token, SECRET, { purpose: 'rsvp', now: NOW })),
        token,
      ).toBe('malformed');
    }
  });

  it('refuses to sign or check with a short secret', () => {
    expect(() => signLink(input, 'short')).toThrow(/at least 32 bytes/);
    expect(() => verifyLink('a.b', 'short', { purpose: 'rsvp' })).toThrow(/at least 32 bytes/);
  });

  it('gives one link per answer for an invitation mail', () => {
    const links = rsvpLinks({
      publicUrl: 'https://concerto.example.org/',
      secret: SECRET,
      meetingId: 'm-1',
      email: 'a@example.org',
      expiresAt: LATER,
    });
    const answers = Object.entries(links).map(([key, url]) => {
      expect(url).toMatch(/^https:\/\/concerto\.example\.org\/rsvp\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const payload = verifyLink(url.split('/rsvp/')[1]!, SECRET, { purpose: 'rsvp', now: NOW });
      expect(payload).toMatchObject({ subject: 'm-1', email: 'a@example.org' });
      return [key, payload.answer];
    });
    expect(Object.fromEntries(answers)).toEqual({ accept: 'ACCEPTED', tentative: 'TENTATIVE', decline: 'DECLINED' });
  });

  it('lists every refusal reason once, each with a French message', () => {
    expect(Object.keys(LINK_ERROR_REASONS).sort()).toEqual(['expired', 'forged', 'malformed', 'wrong_purpose']);
  });
});

describe('resolveLinkSecret', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('generates a secret on first start, keeps it (mode 0600) and gives it back after a restart', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-links-'));
    const first = await resolveLinkSecret({ dataDir: dir });
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, LINK_SECRET_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await resolveLinkSecret({ dataDir: dir })).toBe(first);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
  });

  it('prefers LINK_SECRET, and refuses a kept file that holds no usable secret', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-links-'));
    expect(await resolveLinkSecret({ configured: SECRET, dataDir: dir })).toBe(SECRET);
    await writeFile(path.join(dir, LINK_SECRET_FILE), 'too short\n');
    await expect(resolveLinkSecret({ dataDir: dir })).rejects.toThrow(/Delete it to have a new one generated/);
  });
});

/**
 * Signed links: compact tokens that let a person act from a mail without an account (answer an
 * invitation today; vote in a poll or read a feed later). A token is
 * `base64url(JSON payload) "." base64url(HMAC-SHA256(secret, "v1." + payload part))`: anyone can
 * read the payload, nobody without the secret can change it. Each token serves one purpose, ends
 * at `exp`, and carries a random `jti` so a single-use link can be consumed (store/meetings/record-rsvp.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SIGN_IN_LINK_MINUTES } from '../../domain/sign-in-link.js';

/**
 * What a link may be used for: a token signed for one purpose is refused for any other. `rsvp`:
 * an answer to an invitation (single use); `feed`: reading a calendar feed (infra/links/feed-urls.ts);
 * `vote`: answering a date poll, again and again until it closes, or for its organiser (answer
 * `departage`) choosing among the dates of a tie; `signin`: signing in to the web pages (single
 * use, short-lived: server/routes/sign-in.ts); `opinion`: a partner's opinion on a fiche's version awaited by the
 * COPIL (single use: server/routes/opinion.ts); `proxy`: a member who declined a meeting gives a pouvoir
 * (single use: server/routes/proxy.ts).
 */
export const LINK_PURPOSES = ['rsvp', 'feed', 'vote', 'signin', 'opinion', 'proxy'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

/** What a token says. */
export interface LinkPayload {
  purpose: LinkPurpose;
  /** What the link acts on, e.g. a meeting id. */
  subject: string;
  /** Who the link was sent to. */
  email: string;
  /** The answer the link gives, for links that give one (an RSVP's PARTSTAT). */
  answer?: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Random id of this token, for single use. */
  jti: string;
}

/**
 * Why a token was refused, with what the page says to the person. Listed once; a test pins the
 * list.
 */
export const LINK_ERROR_REASONS = {
  forged: {
    description: 'The signature does not match the payload: changed by hand, or signed with another secret.',
    message: 'Ce lien n’est pas valide : il a peut-être été modifié ou mal copié.',
  },
  expired: {
    description: 'The token is past its `exp`.',
    message: 'Ce lien a expiré.',
  },
  wrong_purpose: {
    description: 'The token is genuine but was signed for another purpose.',
    message: 'Ce lien ne sert pas à cette action.',
  },
  malformed: {
    description: 'The text is not a token: truncated, or not two base64url parts with a JSON payload.',
    message: 'Ce lien est incomplet ou mal formé : il a peut-être été coupé en passant d’une ligne à l’autre.',
  },
} as const;
export type LinkErrorReason = keyof typeof LINK_ERROR_REASONS;

/** A refused token: `reason` for programs, `userMessage` (French) for the page. */
export class LinkError extends Error {
  override readonly name = 'LinkError';
  readonly code = 'INVALID_LINK';
  readonly userMessage: string;

  constructor(
    readonly reason: LinkErrorReason,
    detail?: string,
  ) {
    super(`signed link refused (${reason})${detail ? `: ${detail}` : ''}`);
    this.userMessage = LINK_ERROR_REASONS[reason].message;
  }
}

/** The shortest secret accepted: as long as the HMAC-SHA256 output, so it is not the weak part. */
export const MIN_SECRET_BYTES = 32;
const VERSION = 'v1';
const TOKEN_PART = /^[A-Za-z0-9_-]+$/;

/** Options of {@link signLink}. */
export interface SignLinkInput {
  purpose: LinkPurpose;
  subject: string;
  email: string;
  answer?: string;
  /** When the link stops working. */
  expiresAt: Date;
  /** Normally left out: a random one is drawn. */
  jti?: string;
}

/** Signs a token. Throws when the secret is too short, so a misconfiguration never signs weakly. */
export function signLink(input: SignLinkInput, secret: string): string {
  assertSecret(secret);
  const exp = Math.floor(input.expiresAt.getTime() / 1000);
  if (!Number.isFinite(exp)) throw new TypeError('signLink: expiresAt is not a valid date.');
  const payload: LinkPayload = {
    purpose: input.purpose,
    subject: input.subject,
    email: input.email,
    ...(input.answer === undefined ? {} : { answer: input.answer }),
    exp,
    jti: input.jti ?? randomBytes(16).toString('base64url'),
  };
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${signature(body, secret).toString('base64url')}`;
}

/** Options of {@link verifyLink}. */
export interface VerifyLinkOptions {
  /** The purpose the caller serves: a token signed for another one is refused. */
  purpose: LinkPurpose;
  /** Default: the clock. */
  now?: Date;
}

/**
 * The payload of a genuine, unexpired token for `options.purpose`; otherwise throws a
 * {@link LinkError}. The signature is checked before anything the payload says is believed, so a
 * forged token is reported as forged even when it also claims to be expired.
 */
export function verifyLink(token: string, secret: string, options: VerifyLinkOptions): LinkPayload {
  assertSecret(secret);
  const parts = token.split('.');
  if (parts.length !== 2 || !parts.every((part) => TOKEN_PART.test(part))) {
    throw new LinkError('malformed', 'not two base64url parts');
  }
  const [body, mac] = parts as [string, string];
  const given = Buffer.from(mac, 'base64url');
  const expected = signature(body, secret);
  // timingSafeEqual throws on different lengths; the length of an HMAC is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new LinkError('forged');
  const payload = parsePayload(body);
  if (payload.purpose !== options.purpose) throw new LinkError('wrong_purpose', `signed for ${payload.purpose}`);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (payload.exp <= now) throw new LinkError('expired', `expired at ${new Date(payload.exp * 1000).toISOString()}`);
  return payload;
}

function signature(body: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${VERSION}.${body}`).digest();
}

/** Signed by us, so well-formed unless the secret leaked or the format changed: checked anyway. */
function parsePayload(body: string): LinkPayload {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new LinkError('malformed', 'payload is not JSON');
  }
  const p = value as Partial<Record<keyof LinkPayload, unknown>> | null;
  const ok =
    typeof p === 'object' &&
    p !== null &&
    typeof p.purpose === 'string' &&
    (LINK_PURPOSES as readonly string[]).includes(p.purpose) &&
    typeof p.subject === 'string' &&
    typeof p.email === 'string' &&
    typeof p.jti === 'string' &&
    typeof p.exp === 'number' &&
    Number.isInteger(p.exp) &&
    (p.answer === undefined || typeof p.answer === 'string');
  if (!ok) throw new LinkError('malformed', 'payload lacks a field');
  return p as LinkPayload;
}

/** Why a configured secret is unusable, or null. */
export function linkSecretError(secret: string): string | null {
  const bytes = Buffer.byteLength(secret, 'utf8');
  return bytes < MIN_SECRET_BYTES
    ? `LINK_SECRET must be at least ${MIN_SECRET_BYTES} bytes long, ` +
        `it has ${bytes}: generate one with \`openssl rand -base64 48\`.`
    : null;
}

function assertSecret(secret: string): void {
  const problem = linkSecretError(secret);
  if (problem) throw new Error(problem);
}

/** Options of {@link rsvpLinks}. */
export interface RsvpLinksInput {
  /** Base URL of the web pages, without a trailing slash (PUBLIC_URL). */
  publicUrl: string;
  secret: string;
  meetingId: string;
  email: string;
  expiresAt: Date;
}

/** The three answers an invitation mail offers, as the PARTSTAT each records. */
export const RSVP_ANSWERS = { accept: 'ACCEPTED', tentative: 'TENTATIVE', decline: 'DECLINED' } as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[keyof typeof RSVP_ANSWERS];

/** One signed link per answer, for an invitation mail: each leads to a page that asks to confirm. */
export function rsvpLinks(input: RsvpLinksInput): Record<keyof typeof RSVP_ANSWERS, string> {
  const base = input.publicUrl.replace(/\/+$/, '');
  const link = (answer: RsvpAnswer) =>
    `${base}/rsvp/${signLink(
      { purpose: 'rsvp', subject: input.meetingId, email: input.email, answer, expiresAt: input.expiresAt },
      input.secret,
    )}`;
  return { accept: link('ACCEPTED'), tentative: link('TENTATIVE'), decline: link('DECLINED') };
}

/** The link offered to a member who declined a meeting, to give a pouvoir; good until the meeting starts. */
export function proxyLink(input: RsvpLinksInput): string {
  const base = input.publicUrl.replace(/\/+$/, '');
  const token = signLink(
    { purpose: 'proxy', subject: input.meetingId, email: input.email, expiresAt: input.expiresAt },
    input.secret,
  );
  return `${base}/pouvoir/${token}`;
}

/** Options of {@link voteLink}. */
export interface VoteLinkInput {
  /** Base URL of the web pages, without a trailing slash (PUBLIC_URL). */
  publicUrl: string;
  secret: string;
  pollId: string;
  email: string;
  expiresAt: Date;
  /** `departage`: the organiser's link to choose among tied dates. */
  answer?: 'departage';
}

/** The link of a date poll's mail: to the voting page, or for the organiser to break a tie. */
export function voteLink(input: VoteLinkInput): string {
  const token = signLink(
    {
      purpose: 'vote',
      subject: input.pollId,
      email: input.email,
      expiresAt: input.expiresAt,
      ...(input.answer ? { answer: input.answer } : {}),
    },
    input.secret,
  );
  return `${input.publicUrl.replace(/\/+$/, '')}/vote/${token}`;
}

/** Options of {@link opinionLink}. */
export interface OpinionLinkInput {
  /** Base URL of the web pages, without a trailing slash (PUBLIC_URL). */
  publicUrl: string;
  secret: string;
  ficheId: string;
  /** The version under review the opinion is asked on. */
  version: number;
  /** The partner whose opinion it gives (`caf`, `msa`). */
  partner: string;
  email: string;
  expiresAt: Date;
}

/** What an opinion link acts on: one version of a fiche. */
export function opinionSubject(ficheId: string, version: number): string {
  return `${ficheId}/v${version}`;
}

/** The fiche and version of an opinion link's subject, or null when it is not one. */
export function parseOpinionSubject(subject: string): { ficheId: string; version: number } | null {
  const match = /^([^/]+)\/v([1-9]\d{0,5})$/.exec(subject);
  return match ? { ficheId: match[1]!, version: Number(match[2]) } : null;
}

/** The link of a partner's opinion request: to the page that shows the fiche and takes the opinion. */
export function opinionLink(input: OpinionLinkInput): string {
  const token = signLink(
    {
      purpose: 'opinion',
      subject: opinionSubject(input.ficheId, input.version),
      email: input.email,
      answer: input.partner,
      expiresAt: input.expiresAt,
    },
    input.secret,
  );
  return `${input.publicUrl.replace(/\/+$/, '')}/avis/${token}`;
}

/** The subject of sign-in links: they act on no record, only on who they were sent to. */
export const SIGN_IN_SUBJECT = 'session';

/** The link of a sign-in mail, to a page that asks to confirm (mail scanners open every link). */
export function signInLink(input: { publicUrl: string; secret: string; email: string; now: Date }): string {
  const expiresAt = new Date(input.now.getTime() + SIGN_IN_LINK_MINUTES * 60_000);
  const token = signLink({ purpose: 'signin', subject: SIGN_IN_SUBJECT, email: input.email, expiresAt }, input.secret);
  return `${input.publicUrl.replace(/\/+$/, '')}/auth/link/${token}`;
}

/** Name of the file that keeps the generated secret, in the data folder. */
export const LINK_SECRET_FILE = 'link-secret';

/**
 * The secret links are signed with: `configured` (LINK_SECRET) when set; otherwise the one kept in
 * `<dataDir>/link-secret`, generated on first start (mode 0600), so links sent before a restart
 * still work after it. Every process that signs or checks links must see the same secret: with
 * several processes (workers beside the app), set LINK_SECRET.
 */
export async function resolveLinkSecret(options: { configured?: string; dataDir: string }): Promise<string> {
  if (options.configured) {
    assertSecret(options.configured);
    return options.configured;
  }
  const file = path.join(options.dataDir, LINK_SECRET_FILE);
  await mkdir(options.dataDir, { recursive: true });
  const generated = randomBytes(48).toString('base64url');
  try {
    // 'wx': two processes starting at once on one folder keep whichever secret was written first.
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${generated}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const kept = (await readFile(file, 'utf8')).trim();
  if (linkSecretError(kept)) {
    throw new Error(
      `${file} does not hold a usable link secret (at least ${MIN_SECRET_BYTES} bytes). ` +
        'Delete it to have a new one generated (links already sent will then be refused), or set LINK_SECRET.',
    );
  }
  // A copy restored from a backup may have lost its mode: it is a credential.
  await chmod(file, 0o600);
  return kept;
}

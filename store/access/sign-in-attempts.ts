import type { SignInLimitScope, SignInLimits } from '../../domain/sign-in-limits.js';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

/** A sign-in request taken, or refused with the limit it went over and when to try again. */
export type SignInClaim = { allowed: true } | { allowed: false; scope: SignInLimitScope; retryAfterSeconds: number };

/**
 * Counts a sign-in request against the limits: it is written first, then counted with the others
 * of its window, so two processes taking requests at once never let more through than a limit
 * (at worst both are refused). A refused request is removed: it does not push the window further.
 * The rows older than the window go at the same time.
 */
export async function claimSignInAttempt(
  prisma: PrismaClient,
  attempt: { email: string; ip: string; at: Date },
  limits: SignInLimits,
): Promise<SignInClaim> {
  const windowMs = limits.windowMinutes * 60_000;
  const since = new Date(attempt.at.getTime() - windowMs);
  const email = attempt.email.toLowerCase();
  await prisma.signInAttempt.deleteMany({ where: { at: { lt: since } } });
  const { id } = await prisma.signInAttempt.create({ data: { email, ip: attempt.ip, at: attempt.at } });
  const scopes: Array<[SignInLimitScope, Prisma.SignInAttemptWhereInput, number]> = [
    ['address', { email }, limits.perAddress],
    ['ip', { ip: attempt.ip }, limits.perIp],
    ['overall', {}, limits.overall],
  ];
  for (const [scope, where, limit] of scopes) {
    const recent = { ...where, at: { gte: since } };
    if ((await prisma.signInAttempt.count({ where: recent })) <= limit) continue;
    await prisma.signInAttempt.delete({ where: { id } });
    // Room again once the oldest of the `limit` kept leaves the window.
    const oldest = await prisma.signInAttempt.findFirst({
      where: recent,
      orderBy: { at: 'asc' },
      select: { at: true },
    });
    const freeAt = (oldest?.at.getTime() ?? attempt.at.getTime()) + windowMs;
    return { allowed: false, scope, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - attempt.at.getTime()) / 1000)) };
  }
  return { allowed: true };
}

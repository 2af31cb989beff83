import { SIGN_IN_LINK_MINUTES } from './sign-in-link.js';

/** What a sign-in request is counted against: its address, the IP it came from, or everyone's. */
export type SignInLimitScope = 'address' | 'ip' | 'overall';

/** How many sign-in links may be asked for within the window, by scope. */
export interface SignInLimits {
  windowMinutes: number;
  perAddress: number;
  perIp: number;
  overall: number;
}

/**
 * Within a link's lifetime: five links to one address (enough to ask again, too few to flood a
 * mailbox in its owner's name), thirty from one IP (a building behind one address), three hundred in
 * all (the relay's reputation survives someone cycling through addresses and IPs).
 */
export const SIGN_IN_LIMITS: SignInLimits = {
  windowMinutes: SIGN_IN_LINK_MINUTES,
  perAddress: 5,
  perIp: 30,
  overall: 300,
};

/** The French answer to a sign-in request over a limit, with when to try again. */
export function signInLimitMessage(scope: SignInLimitScope, retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  const wait = `réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}`;
  switch (scope) {
    case 'address':
      return `Trop de liens de connexion demandés pour cette adresse : ${wait}, ou utilisez le dernier lien reçu.`;
    case 'ip':
      return `Trop de liens de connexion demandés depuis votre réseau : ${wait}.`;
    case 'overall':
      return `Trop de demandes de connexion en ce moment : ${wait}.`;
  }
}

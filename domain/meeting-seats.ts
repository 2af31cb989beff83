import type { Charter, InstanceKind, Seat } from './charter.js';
import { DomainError } from './errors.js';

/**
 * Who sits in a meeting's seats: the titulaires, a suppléant in place of a titulaire who cannot
 * come, a pouvoir given by an absent member to one present; how they count for the quorum and the
 * votes. The page, its live recount (`/assets/quorum.js`), the workflow and the relevé all count
 * with {@link countSeats}.
 */

/** A member of an instance as the seat rules see them. */
export interface SeatHolder {
  email: string;
  seat: Seat;
  /** The structure they sit for: a suppléant stands in for a titulaire of the same structure. */
  structureId: string | null;
}

/** How an instance counts suppléants and pouvoirs. */
export interface SeatRules {
  /** How many pouvoirs one member present may hold (CGCT L2121-20: one). */
  maxProxiesPerHolder: number;
  /** Whether pouvoirs count towards the quorum (CGCT L2121-17: they do not). */
  quorumCountsProxies: boolean;
}

export const DEFAULT_SEAT_RULES: SeatRules = Object.freeze({ maxProxiesPerHolder: 1, quorumCountsProxies: false });

/** The charter's seat rules for an instance kind, the defaults filling what it does not say. */
export function seatRulesFor(charter: Charter, instanceKind: InstanceKind): SeatRules {
  return { ...DEFAULT_SEAT_RULES, ...charter.seatRules?.[instanceKind] };
}

/**
 * Pairs each suppléant with the titulaire they stand in for: within a structure, titulaires and
 * suppléants by address, the first with the first; a suppléant without a structure, or past the
 * structure's titulaires, stands in for nobody. Keys and values lower-cased.
 */
export function pairSuppleants(holders: readonly SeatHolder[]): Record<string, string> {
  const byStructure = new Map<string, { titulaires: string[]; suppleants: string[] }>();
  for (const holder of holders) {
    if (holder.structureId === null) continue;
    const group = byStructure.get(holder.structureId) ?? { titulaires: [], suppleants: [] };
    (holder.seat === 'titulaire' ? group.titulaires : group.suppleants).push(holder.email.toLowerCase());
    byStructure.set(holder.structureId, group);
  }
  const pairs: Record<string, string> = {};
  for (const { titulaires, suppleants } of byStructure.values()) {
    titulaires.sort();
    suppleants.sort();
    suppleants.forEach((suppleant, i) => {
      if (titulaires[i] !== undefined) pairs[suppleant] = titulaires[i];
    });
  }
  return pairs;
}

/** The suppléant who stands in for `titulaire`, or null. */
export function suppleantOf(titulaire: string, holders: readonly SeatHolder[]): string | null {
  const wanted = titulaire.toLowerCase();
  const found = Object.entries(pairSuppleants(holders)).find(([, t]) => t === wanted);
  return found ? found[0] : null;
}

/** What {@link countSeats} counts from. Addresses lower-cased. */
export interface SeatCountInput {
  /** The seats: the instance's titulaires. */
  titulaires: string[];
  /** The members present, titulaires and suppléants. */
  present: string[];
  /** Each suppléant with the titulaire they stand in for ({@link pairSuppleants}). */
  suppleantFor: Record<string, string>;
  /** Pouvoirs given to members present. */
  proxies: number;
  /** The instance's own quorum, else more than half of its seats. */
  quorum: number | null;
  quorumCountsProxies: boolean;
}

export interface SeatCount {
  /** Members sitting: titulaires present and suppléants in place of an absent titulaire. */
  present: number;
  suppleants: number;
  proxies: number;
  /** Votes that may be cast: members sitting and the pouvoirs they hold. */
  votes: number;
  seats: number;
  needed: number;
  reached: boolean;
}

/**
 * Counts a meeting's seats. A suppléant counts only while their titulaire is absent (one seat,
 * one voice); pouvoirs add votes, and add to the quorum only where the instance's rules say so.
 * Self-contained (no helper outside its body), so that the live recount runs this very function.
 */
export function countSeats(input: SeatCountInput): SeatCount {
  const present = new Set(input.present);
  const titulaires = input.titulaires.filter((t) => present.has(t)).length;
  const suppleants = input.present.filter((e) => {
    const titulaire = input.suppleantFor[e];
    return titulaire !== undefined && !present.has(titulaire);
  }).length;
  const sitting = titulaires + suppleants;
  const needed = input.quorum ?? Math.floor(input.titulaires.length / 2) + 1;
  return {
    present: sitting,
    suppleants,
    proxies: input.proxies,
    votes: sitting + input.proxies,
    seats: input.titulaires.length,
    needed,
    reached: sitting + (input.quorumCountsProxies ? input.proxies : 0) >= needed,
  };
}

/**
 * « 9 présents dont 2 suppléants, 2 pouvoirs — quorum atteint (5 requis sur 9 sièges) ».
 * Self-contained, like {@link countSeats}, for the live recount.
 */
export function seatSummary(count: SeatCount): string {
  return (
    `${count.present} présent${count.present > 1 ? 's' : ''}` +
    (count.suppleants > 0 ? ` dont ${count.suppleants} suppléant${count.suppleants > 1 ? 's' : ''}` : '') +
    `, ${count.proxies} pouvoir${count.proxies > 1 ? 's' : ''}` +
    ` — quorum ${count.reached ? 'atteint' : 'non atteint'}` +
    ` (${count.needed} requis sur ${count.seats} siège${count.seats > 1 ? 's' : ''})`
  );
}

/** A pouvoir asked for before the meeting, as the pouvoir page takes it. */
export interface ProxyRequest {
  from: string;
  to: string;
  /** The meeting's members who may hold a pouvoir: invited and not declining. */
  holders: readonly string[];
  /** Pouvoirs `to` already holds. */
  held: number;
  rules: SeatRules;
}

/** Refuses a pouvoir the instance's rules do not allow, in French, naming the field `to`. */
export function assertMayGiveProxy({ from, to, holders, held, rules }: ProxyRequest): void {
  if (from.toLowerCase() === to.toLowerCase())
    throw new DomainError('INVALID_INPUT', 'Choisissez un autre membre que vous-même.', 'to');
  if (!holders.some((h) => h.toLowerCase() === to.toLowerCase()))
    throw new DomainError(
      'INVALID_INPUT',
      `${to} n’est pas un membre convoqué qui participera : choisissez-en un dans la liste.`,
      'to',
    );
  if (held >= rules.maxProxiesPerHolder)
    throw new DomainError(
      'INVALID_INPUT',
      `${to} porte déjà ${held} pouvoir${held > 1 ? 's' : ''} : l’instance en admet ` +
        `${rules.maxProxiesPerHolder} par membre. Choisissez un autre membre.`,
      'to',
    );
}

import type { Actor } from '../../domain/lifecycle/model.js';
import type { AppRole } from '../../domain/lifecycle/vocabulary.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { findActor } from '../access/find-actor.js';

/**
 * People of the demo convention (store/conventions/load-demo.ts) who take a fiche through its review, and the
 * role each acts in — the role their seats give them (domain/access.ts); a test keeps the two equal.
 */
export const DEMO_PEOPLE = {
  cooperateur: { email: 'directrice.education@example.org', appRole: 'cooperateur' },
  /** The secretary of the COTECH and of the COPIL. */
  secretaire: { email: 'assistante.education@example.org', appRole: 'secretaire_instance' },
  secretaireBureau: { email: 'secretariat.assemblees@example.org', appRole: 'secretaire_instance' },
  caf: { email: 'caf.action-sociale@example.org', appRole: 'partenaire' },
  msa: { email: 'msa.action-sanitaire-sociale@example.org', appRole: 'partenaire' },
  /** A member of the COPIL with no power to record anything. */
  membre: { email: 'direction.aide-domicile@example.org', appRole: 'membre' },
} as const satisfies Record<string, { email: string; appRole: AppRole }>;

export type DemoPeople = Record<keyof typeof DEMO_PEOPLE, Actor>;

/** Each of {@link DEMO_PEOPLE} as an actor of the convention, with the roles their seats give them. */
export async function resolveDemoPeople(prisma: PrismaClient, conventionId: string): Promise<DemoPeople> {
  const entries = await Promise.all(
    Object.entries(DEMO_PEOPLE).map(
      async ([name, { email }]) => [name, await findActor(prisma, conventionId, { email })] as const,
    ),
  );
  return Object.fromEntries(entries) as DemoPeople;
}

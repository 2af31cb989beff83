import { z } from 'zod';
import { DomainError } from './errors.js';
import type { Actor } from './lifecycle/model.js';
import { email, nonEmptyText, parseInput, shareable, slug } from './validation.js';

/** A fiche action as its author creates it; its lifecycle is domain/lifecycle/. */
export interface NewFiche {
  title: string;
  authorEmail: string;
  /**
   * The GTT drafting it (its slug): its members are told of each step (domain/fiche-notices.ts). Null: none in
   * particular (every GTT is told); absent: the author's (see {@link workingGroupOf}).
   */
  gtt?: string | null;
}

const MAX_TITLE = 200;

export const newFicheSchema = shareable(
  z.object(
    {
      title: nonEmptyText(MAX_TITLE, {
        required: 'Le titre de la fiche est obligatoire.',
        tooLong: `Le titre dépasse ${MAX_TITLE} caractères : raccourcissez-le.`,
      }),
      /** Whose fiche it is: the person creating it, unless an admin names another member. */
      authorEmail: email().optional(),
      /** The slug of the GTT drafting it; null for none in particular; the author's GTT when absent. */
      gtt: slug().nullable().optional(),
    },
    { error: 'Le corps de la requête doit être un objet JSON.' },
  ),
);

/** Checks a new fiche's fields; returns them normalised, its author the creator unless named. */
export function parseNewFiche(input: unknown, creator: string): NewFiche {
  const { title, authorEmail, gtt } = parseInput(newFicheSchema(), input, { what: 'la fiche' });
  return { title, authorEmail: authorEmail ?? creator.toLowerCase(), ...(gtt !== undefined ? { gtt } : {}) };
}

/** A GTT of the convention, and whether a given person sits in it. */
export interface WorkingGroup {
  slug: string;
  name: string;
  member: boolean;
}

/**
 * The GTT a new fiche belongs to: the one asked for, which must be a GTT of the convention; none when null is asked
 * (every GTT is then told of its steps); when nothing is asked, the author's if they sit in exactly one.
 */
export function workingGroupOf(groups: readonly WorkingGroup[], requested: string | null | undefined): string | null {
  if (requested === null) return null;
  if (requested !== undefined) {
    if (groups.some((g) => g.slug === requested)) return requested;
    throw new DomainError(
      'INVALID_INPUT',
      groups.length === 0
        ? `La convention n’a aucun groupe de travail thématique (GTT) : « ${requested} » n’en est pas un.`
        : `« ${requested} » n’est pas un groupe de travail de la convention ; ses GTT sont : ` +
            `${groups.map((g) => g.slug).join(', ')}.`,
      'gtt',
    );
  }
  const mine = groups.filter((g) => g.member);
  return mine.length === 1 ? mine[0]!.slug : null;
}

/**
 * The author of a new fiche is who creates it: only an admin may name someone else (who must be a
 * person of the convention, checked against the store by the caller), so nobody drafts in
 * another's name.
 */
export function assertMayNameAuthor(creator: Actor, authorEmail: string): void {
  if (authorEmail.toLowerCase() === creator.email.toLowerCase() || creator.appRole === 'admin') return;
  throw new DomainError(
    'ROLE_NOT_ALLOWED',
    `Vous ne pouvez créer une fiche qu’en votre nom (${creator.email}) : ` +
      'seul un administrateur peut en nommer un autre auteur.',
    'authorEmail',
  );
}

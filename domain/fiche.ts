import { z } from 'zod';
import { DomainError } from './errors.js';
import type { Actor } from './lifecycle/model.js';
import { email, nonEmptyText, parseInput } from './validation.js';

/** A fiche action as its author creates it; its lifecycle is domain/lifecycle/. */
export interface NewFiche {
  title: string;
  authorEmail: string;
}

const MAX_TITLE = 200;

export const newFicheSchema = z.object(
  {
    title: nonEmptyText(MAX_TITLE, {
      required: 'Le titre de la fiche est obligatoire.',
      tooLong: `Le titre dépasse ${MAX_TITLE} caractères : raccourcissez-le.`,
    }),
    /** Whose fiche it is: the person creating it, unless an admin names another member. */
    authorEmail: email().optional(),
  },
  { error: 'Le corps de la requête doit être un objet JSON.' },
);

/** Checks a new fiche's fields; returns them normalised, its author the creator unless named. */
export function parseNewFiche(input: unknown, creator: string): NewFiche {
  const { title, authorEmail } = parseInput(newFicheSchema, input, { what: 'la fiche' });
  return { title, authorEmail: authorEmail ?? creator.toLowerCase() };
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

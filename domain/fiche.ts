import { z } from 'zod';
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
    authorEmail: email(),
  },
  { error: 'Le corps de la requête doit être un objet JSON.' },
);

/** Checks a new fiche's fields; returns them normalised. */
export function parseNewFiche(input: unknown): NewFiche {
  return parseInput(newFicheSchema, input, { what: 'la fiche' });
}

import { HttpError } from '../errors.js';

/** What a page's address may name as an id (a uuid, a job's id). */
export const ID = /^[A-Za-z0-9-]{1,64}$/;

/** The page of something that is not there. */
export const notFound = (what: string) =>
  new HttpError(
    404,
    'NOT_FOUND',
    `${what} introuvable : l’adresse est peut-être incomplète, ou la page a été supprimée.`,
  );

/**
 * The CLI's exit codes, listed once: `concerto --help` and the README show this table, and the
 * HTTP client maps each answer's status through {@link exitCodeForStatus}.
 */
export const EXIT = {
  ok: 0,
  refused: 1,
  usage: 2,
  access: 3,
  notFound: 4,
  unavailable: 5,
  checkFailed: 6,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each code means, in the order `--help` lists them. */
export const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.ok, 'fait'],
  [EXIT.refused, 'refusé par les règles (409, 422 : mauvaise étape, délai de convocation, charte…)'],
  [EXIT.usage, 'commande ou saisie invalide (usage, 400 avec les champs en cause)'],
  [EXIT.access, 'pas connecté ou pas autorisé (401, 403) : vérifiez le jeton'],
  [EXIT.notFound, 'introuvable (404)'],
  [EXIT.unavailable, 'application injoignable ou en erreur (5xx) : lancez `npm start`'],
  [EXIT.checkFailed, '`concerto doctor` : au moins un contrôle a échoué'],
];

/** The exit code of an HTTP error status. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.access;
  if (status === 404 || status === 410) return EXIT.notFound;
  if (status === 409 || status === 422) return EXIT.refused;
  if (status >= 500) return EXIT.unavailable;
  return EXIT.usage;
}

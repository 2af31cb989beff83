import { usageError } from './cli-error.js';
import type { ApiClient } from './http-client.js';

/** The convention a verb acts on: the one given, else the only one the app holds. */
export async function conventionSlug(api: ApiClient, given: string | undefined): Promise<string> {
  if (given) return given;
  const { conventions } = await api.json<{ conventions: Array<{ slug: string }> }>('GET', '/api/conventions');
  if (conventions.length === 1) return conventions[0]!.slug;
  throw usageError(
    conventions.length === 0
      ? 'aucune convention n’est chargée.'
      : 'plusieurs conventions : dites laquelle avec --convention <slug>.',
    conventions.length === 0
      ? 'Chargez la convention de démonstration : concerto demo.'
      : `Conventions : ${conventions.map((c) => c.slug).join(', ')}.`,
  );
}

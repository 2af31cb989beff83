import { readFile } from 'node:fs/promises';
import { usageError } from './cli-error.js';

/** A JSON file the user names; a missing or broken one is a usage error. */
export async function readJsonFile(file: string): Promise<unknown> {
  const content = await readTextFile(file);
  try {
    return JSON.parse(content);
  } catch (error) {
    throw usageError(`${file} n’est pas un JSON valide : ${(error as Error).message}`, 'Vérifiez le fichier.');
  }
}

/** A file the user names; a missing one is a usage error. */
export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(
      `impossible de lire ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      'Vérifiez le chemin du fichier.',
    );
  }
}

import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '../../generated/prisma/client.js';
// Imported rather than read from disk, so a build (tsc) carries the file along with the code.
import demoSetup from '../../prisma/seed/ctg-mellois-en-poitou-2023-2027.json' with { type: 'json' };
import { importConventionSetup, type ImportSummary } from './import-convention-setup.js';

/** The demo data: the Mellois en Poitou CTG 2023-2027 as a setup file (domain/convention-setup.ts). */
export const DEMO_SETUP_PATH = fileURLToPath(
  new URL('../../prisma/seed/ctg-mellois-en-poitou-2023-2027.json', import.meta.url),
);
export const DEMO_CONVENTION_SLUG = 'ctg-mellois-en-poitou-2023-2027';

/**
 * Loads the demo convention: an import of {@link DEMO_SETUP_PATH}, so loading it again changes
 * nothing, and loading it over an edited demo puts the file's setup back.
 */
export async function loadDemo(
  prisma: PrismaClient,
  onProgress?: (done: number, total: number, step: string) => void,
): Promise<ImportSummary> {
  return importConventionSetup(prisma, demoSetup, onProgress ? { onProgress } : {});
}

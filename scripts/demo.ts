import { loadConfig } from '../infra/config.js';
import { DatabaseOpenError, describeTarget, openDatabase } from '../store/database/open-database.js';
import { DomainError } from '../domain/errors.js';
import { DEMO_CONVENTION_SLUG, DEMO_SETUP_PATH, loadDemo } from '../store/conventions/load-demo.js';

// `npm run demo`: loads the Mellois en Poitou CTG 2023-2027 into the configured database.

const STEP_LABELS: Record<string, string> = {
  structures: 'structures',
  personnes: 'personnes',
  convention: 'convention',
  signataires: 'signataires',
  avenants: 'avenants',
  enjeux: 'enjeux et objectifs',
  instances: 'instances',
  membres: 'membres des instances',
  jalons: 'jalons du rétroplanning',
  sondages: 'sondages de date',
};

async function main(): Promise<number> {
  const config = loadConfig();
  const target = config.database;
  console.log(`Démonstration : ${DEMO_SETUP_PATH}`);
  console.log(`Base : ${describeTarget(target)}`);
  let db;
  try {
    db = await openDatabase(target);
  } catch (error) {
    // A PGlite folder held by a running `npm start` is refused here, by its lock file.
    if (error instanceof DatabaseOpenError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  try {
    // One line per step, printed when the next begins: readable in a terminal and in a log file.
    let step = '';
    let inStep = 0;
    const flush = (done: number, total: number) => {
      if (step !== '')
        console.log(`  ${(STEP_LABELS[step] ?? step).padEnd(24)} ${String(inStep).padStart(3)}   (${done}/${total})`);
    };
    let last = { done: 0, total: 0 };
    const summary = await loadDemo(db.prisma, (done, total, current) => {
      if (current !== step) {
        flush(last.done, last.total);
        step = current;
        inStep = 0;
      }
      inStep += 1;
      last = { done, total };
    });
    flush(last.done, last.total);
    console.log(
      `Convention « ${DEMO_CONVENTION_SLUG} » chargée : ${summary.created} créé(s), ${summary.updated} mis à jour, ` +
        `${summary.unchanged} inchangé(s), ${summary.removed} retiré(s).`,
    );
    if (summary.created === 0 && summary.updated === 0 && summary.removed === 0) {
      console.log('La démonstration était déjà chargée : rien n’a changé.');
    }
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      console.error(`Le fichier de démonstration est refusé (${error.code}) : ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`Échec du chargement de la démonstration : ${(error as Error).message}`);
    process.exitCode = 1;
  },
);

// `npm run migration:new -- <name> [--prisma-dir DIR]`: writes the next migration from the change
// to prisma/schema.prisma since the last one. `prisma migrate dev` does not work on PGlite (see
// ENVIRONMENT.md), so prisma/migrations/schema.snapshot.prisma keeps the schema as of the last
// migration and `prisma migrate diff` turns the difference into SQL, with no database involved.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const USAGE = [
  'Usage: npm run migration:new -- <name> [--prisma-dir DIR]',
  '  <name>             what the migration does, in lowercase letters, digits and underscores (e.g. add_meeting)',
  '  --prisma-dir DIR   the folder holding schema.prisma and migrations/ (default: prisma/ in the project)',
].join('\n');

const NAME = /^[a-z0-9_]{1,200}$/;
const MIGRATION_DIR = /^(\d{14})_/;
const SNAPSHOT_FILE = 'schema.snapshot.prisma';

class UsageError extends Error {}

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
// `npm run` starts scripts in the package root; INIT_CWD is where the command was typed.
const callerDir = process.env.INIT_CWD ?? process.cwd();

function parseCommandLine(argv: string[]): { name: string; prismaDir: string } {
  const parsed = (() => {
    try {
      return parseArgs({ args: argv, options: { 'prisma-dir': { type: 'string' } }, allowPositionals: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  })();
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) throw new UsageError('The migration needs a name.');
  if (extra.length > 0) throw new UsageError(`One name only, got also: ${extra.join(' ')}.`);
  if (!NAME.test(name)) {
    throw new UsageError(
      `"${name}" is not a valid migration name: use 1-200 lowercase letters, digits and underscores.`,
    );
  }
  const dir = parsed.values['prisma-dir'];
  return { name, prismaDir: dir === undefined ? path.join(projectRoot, 'prisma') : path.resolve(callerDir, dir) };
}

/** yyyymmddHHMMSS in UTC, the prefix Prisma Migrate gives its folders. */
function utcStamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

/** Now, or one second after the newest migration if the clock is behind it: folders apply in name order. */
async function nextStamp(migrationsDir: string, now: Date): Promise<string> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const stamps = entries
    .flatMap((e) => (e.isDirectory() ? (MIGRATION_DIR.exec(e.name)?.slice(1, 2) ?? []) : []))
    .sort();
  const last = stamps.at(-1);
  const stamp = utcStamp(now);
  if (last === undefined || stamp > last) return stamp;
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(last.slice(at, at + (i === 0 ? 4 : 2))));
  return utcStamp(new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s! + 1)));
}

/** True when the diff holds no statement: Prisma prints "-- This is an empty migration." then. */
function isEmptyScript(sql: string): boolean {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}

async function diffSchemas(from: string, to: string): Promise<string> {
  // Without DATABASE_URL, prisma.config.ts gives the CLI a scratch in-memory PGlite: the diff of two
  // schema files needs no database, and must not fail because a configured server is down.
  const env = { ...process.env };
  delete env.DATABASE_URL;
  try {
    const { stdout } = await execFileAsync(
      'npx',
      ['prisma', 'migrate', 'diff', '--from-schema-datamodel', from, '--to-schema-datamodel', to, '--script'],
      { cwd: projectRoot, env, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`prisma migrate diff failed${stderr ? `:\n${stderr}` : `: ${(error as Error).message}`}`, {
      cause: error,
    });
  }
}

async function main(argv: string[]): Promise<void> {
  const { name, prismaDir } = parseCommandLine(argv);
  const schema = path.join(prismaDir, 'schema.prisma');
  const migrationsDir = path.join(prismaDir, 'migrations');
  const snapshot = path.join(migrationsDir, SNAPSHOT_FILE);
  if (!existsSync(schema))
    throw new Error(`No schema at ${schema}: pass --prisma-dir the folder holding schema.prisma.`);
  if (!existsSync(snapshot)) {
    throw new Error(
      `No ${snapshot}. It must hold the schema as of the last migration: restore it from version control ` +
        '(git checkout -- it), or copy the schema the last migration was written from.',
    );
  }

  const sql = await diffSchemas(snapshot, schema);
  if (isEmptyScript(sql)) {
    console.log(`No schema change since the last migration: ${schema} matches ${snapshot}. Nothing written.`);
    return;
  }

  const folder = `${await nextStamp(migrationsDir, new Date())}_${name}`;
  const target = path.join(migrationsDir, folder);
  await mkdir(target);
  await writeFile(path.join(target, 'migration.sql'), sql);
  await copyFile(schema, snapshot);
  console.log(`Wrote ${path.relative(callerDir, path.join(target, 'migration.sql'))} and updated ${SNAPSHOT_FILE}.`);
  console.log(
    'Read the SQL before committing: a rename shows as a drop and an add, and data changes are yours to write.',
  );
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

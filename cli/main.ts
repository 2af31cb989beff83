import { CLI_TOKEN_FILE } from '../domain/local-app.js';
import { auditCommands } from './audit.js';
import { describeCharacter, forbiddenCharacter } from '../domain/characters.js';
import { calendarCommands } from './calendar.js';
import { usageError } from './cli-error.js';
import { parseCommandLine, type Command } from './command.js';
import { conventionCommands } from './convention.js';
import { decideCommands } from './decide.js';
import { demoCommands } from './demo.js';
import { doctorCommands } from './doctor.js';
import { EXIT, EXIT_CODE_MEANINGS, type ExitCode } from './exit-codes.js';
import { ficheCommands } from './fiche.js';
import { historyCommands } from './history.js';
import { ApiClient, resolveTarget } from './http-client.js';
import { meetingCommands } from './meeting.js';
import { outboxCommands } from './outbox.js';
import { Output, type Streams } from './output.js';
import { planCommands } from './plan.js';
import { pollCommands } from './poll.js';

/** Every verb, by its name on the command line, in the order --help lists them. */
export const COMMANDS: Record<string, Command> = {
  ...demoCommands,
  ...conventionCommands,
  ...ficheCommands,
  ...decideCommands,
  ...meetingCommands,
  ...pollCommands,
  ...planCommands,
  ...calendarCommands,
  ...historyCommands,
  ...outboxCommands,
  ...auditCommands,
  ...doctorCommands,
};

/** `concerto --help`. */
export function helpText(): string {
  const verbs = Object.values(COMMANDS).flatMap((c) => [`  concerto ${c.usage}`, `      ${c.summary}`]);
  return [
    'concerto — la CLI de Concerto : elle parle à l’application lancée par `npm start`.',
    '',
    'Usage : concerto <verbe> [arguments] [--json]',
    '',
    'Verbes :',
    ...verbs,
    '',
    'Options de chaque verbe :',
    '  --json        sortie pour les programmes : un document JSON sur la sortie standard, rien d’autre',
    '                (une erreur aussi : {"error": …, "exitCode": n}) ; messages et progression sur stderr',
    '  -h, --help    cette aide',
    '',
    'Application et jeton :',
    '  CONCERTO_URL     adresse de l’application (défaut : http://$HOST:$PORT, soit http://127.0.0.1:3000)',
    `  CONCERTO_TOKEN   jeton d’API (Authorization: Bearer) ; défaut ` +
      `: le fichier data/${CLI_TOKEN_FILE} écrit par \`npm start\``,
    '                   (dans CONCERTO_DATA_DIR s’il est donné)',
    '',
    'Codes de sortie :',
    ...EXIT_CODE_MEANINGS.map(([code, meaning]) => `  ${code}  ${meaning}`),
  ].join('\n');
}

/** The verb an argument list names: the longest known name its first words make. */
function findCommand(words: string[]): { name: string; command: Command; rest: string[] } | undefined {
  for (const length of [2, 1]) {
    const name = words.slice(0, length).join(' ');
    const command = COMMANDS[name];
    if (words.length >= length && command) return { name, command, rest: words.slice(length) };
  }
  return undefined;
}

/** Runs the CLI on `argv` (without node and the script) and gives the exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, streams: Streams): Promise<ExitCode> {
  const json = argv.includes('--json');
  const help = argv.includes('--help') || argv.includes('-h');
  const words = argv.filter((a) => a !== '--json' && a !== '--help' && a !== '-h');
  const out = new Output(json, streams);
  try {
    if (words.length === 0) {
      if (!help) throw usageError('quel verbe ?', 'Voir `concerto --help`.');
      streams.stdout.write(`${helpText()}\n`);
      return EXIT.ok;
    }
    const found = findCommand(words);
    if (!found) {
      const group = Object.keys(COMMANDS).filter((name) => name.startsWith(`${words[0]} `));
      throw usageError(
        `verbe inconnu « ${words.slice(0, 2).join(' ')} ».`,
        group.length
          ? `Avec « ${words[0]} » : ${group.map((g) => g.split(' ')[1]).join(', ')}.`
          : 'Voir `concerto --help`.',
      );
    }
    if (help) {
      streams.stdout.write(`Usage : concerto ${found.command.usage}\n${found.command.summary}\n`);
      return EXIT.ok;
    }
    checkArguments(found.rest);
    const parsed = parseCommandLine(found.name, found.command, found.rest);
    const api = new ApiClient(await resolveTarget(env));
    return (await found.command.run({ ...parsed, api, out })) ?? EXIT.ok;
  } catch (error) {
    return out.failure(error);
  }
}

/** The edge's rules for what is typed (multi-line: a comment may span lines), before anything is sent. */
function checkArguments(args: readonly string[]): void {
  for (const [index, arg] of args.entries()) {
    const found = forbiddenCharacter(arg, true);
    if (found !== undefined) {
      throw usageError(
        `l’argument n° ${index + 1} contient un caractère interdit, ${describeCharacter(found)} : retirez-le.`,
      );
    }
  }
}

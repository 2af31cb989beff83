import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TOKEN_FILE } from '../../domain/local-app.js';
import { EXIT, EXIT_CODE_MEANINGS } from '../../cli/exit-codes.js';
import { buildHttpApp } from '../../server/app.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { atLocalTime, dateKey, shiftDate, toLocal, weekdayOf, type LocalDate } from '../../domain/paris-time.js';
import type { Database } from '../../store/database/open-database.js';
import { findFreePort } from '../../infra/process/ports.js';
import { DEMO_CONVENTION_SLUG } from '../../store/conventions/load-demo.js';
import { createApiToken } from '../../store/access/api-tokens.js';
import { openTestDatabase } from '../helpers/database.js';
import { createTestMeeting } from '../helpers/meeting.js';
import { devServerEnv, TEST_LINKS } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// People of the demo convention (prisma/seed/ctg-mellois-en-poitou-2023-2027.json).
const COOPERATOR = 'directrice.education@example.org';
const CAF = 'caf.conseiller-territorial@example.org';
const COTECH_SECRETARY = 'assistante.education@example.org';
const openDayAfter = (day: LocalDate, days: number) => nextOpenDay(shiftDate(day, days), null).date;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'concerto.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `concerto` command as a child process (`concerto demo` brings the demo to life: a minute or two). */
function runConcerto(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 200_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the concerto CLI, run as a process against the app over HTTP', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let app: FastifyInstance;
  let tmp: string;
  let cliEnv: Record<string, string>;

  const concerto = (...args: string[]) => runConcerto(args, cliEnv);

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('postgres')]);
    stack = await startTestWorker(env, db, 'cli');
    tmp = await mkdtemp(path.join(os.tmpdir(), 'concerto-cli-'));
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: stack.taskQueue,
      catcher: stack.catcher,
      rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl },
      feeds: { organizerEmail: 'concerto@example.org' },
      probes: { temporal: async () => {}, database: () => db.ping() },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const bound = app.server.address();
    const port = typeof bound === 'object' && bound ? bound.port : 0;
    // The local admin's token in the data folder, as `npm start` writes it: the CLI's default.
    const admin = await db.prisma.person.create({
      data: { email: 'admin@concerto.localhost', displayName: 'Administrateur local', admin: true },
    });
    const dataDir = path.join(tmp, 'data');
    await mkdir(dataDir);
    await writeFile(
      path.join(dataDir, CLI_TOKEN_FILE),
      `${(await createApiToken(db.prisma, { personId: admin.id, label: 'test' })).token}\n`,
    );
    cliEnv = { CONCERTO_URL: `http://127.0.0.1:${port}`, CONCERTO_DATA_DIR: dataDir };
  });

  /** The CLI as that person of the demo, by an API token of theirs in CONCERTO_TOKEN. */
  const concertoAs = async (email: string, ...args: string[]) => {
    const person = await db.prisma.person.findUniqueOrThrow({ where: { email } });
    const { token } = await createApiToken(db.prisma, { personId: person.id, label: 'test' });
    return runConcerto(args, { ...cliEnv, CONCERTO_TOKEN: token });
  };

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  // The tests run in order and share the app: the demo convention loaded by the CLI is used after.
  it('prints its help with every verb and the exit codes, without reaching the app', async () => {
    const run = await runConcerto(['--help'], { CONCERTO_URL: 'http://127.0.0.1:9' });
    expect(run.code).toBe(0);
    for (const verb of [
      'demo',
      'convention import',
      'fiche create',
      'fiche edit',
      'fiche submit',
      'fiche show',
      'fiche list',
      'decide',
      'meeting create',
      'meeting show',
      'meeting reschedule',
      'meeting cancel',
      'meeting attendance',
      'poll create',
      'poll vote',
      'poll close',
      'plan show',
      'plan open',
      'plan step',
      'calendar',
      'history',
      'outbox',
      'audit',
      'doctor',
    ]) {
      expect(run.stdout).toContain(`concerto ${verb}`);
    }
    for (const [code, meaning] of EXIT_CODE_MEANINGS) expect(run.stdout).toContain(`${code}  ${meaning}`);
    expect(run.stderr).toBe('');
  });

  it('says how to start the app when nothing answers (exit 5), in French on stderr and as JSON on stdout', async () => {
    const closed = await findFreePort();
    const run = await runConcerto(['outbox', '--json'], { CONCERTO_URL: `http://127.0.0.1:${closed}` });
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stderr).toContain(`l’application ne répond pas à http://127.0.0.1:${closed}`);
    expect(run.stderr).toContain('npm start');
    expect(JSON.parse(run.stdout)).toMatchObject({
      exitCode: EXIT.unavailable,
      error: { message: expect.stringContaining('ne répond pas') },
    });
  });

  it('refuses a wrong command line with its usage (exit 2), before any request', async () => {
    const missing = await concerto('fiche', 'create', '--author', 'directrice.education@example.org');
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toContain('il manque --title');
    expect(missing.stderr).toContain('Usage : concerto fiche create');
    const unknown = await concerto('fiche', 'frobnicate');
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain('create, edit, submit, show, list');
  });

  it(
    'says how to sign in without a token or with a refused ' + 'one, and refuses an admin’s work to a member (exit 3)',
    async () => {
      const noToken = await runConcerto(['outbox'], {
        CONCERTO_URL: cliEnv.CONCERTO_URL!,
        CONCERTO_DATA_DIR: path.join(tmp, 'nowhere'),
      });
      expect(noToken.code).toBe(EXIT.access);
      expect(noToken.stderr).toContain(
        'Aucun jeton : donnez CONCERTO_TOKEN, ou lancez `npm start` dans ce dossier, qui écrit data/cli-token.',
      );
      const revoked = await runConcerto(['outbox', '--json'], { ...cliEnv, CONCERTO_TOKEN: 'cct_not-a-token' });
      expect(revoked.code).toBe(EXIT.access);
      expect(revoked.stderr).toContain('Le jeton lu dans CONCERTO_TOKEN n’est pas accepté');
      expect(JSON.parse(revoked.stdout)).toMatchObject({ exitCode: EXIT.access, error: { code: 'UNAUTHENTICATED' } });
    },
  );

  it(
    'loads the demo convention with its progress on stderr, brings it to life, and again without changing anything',
    { timeout: 240_000 },
    async () => {
      const first = await concerto('demo', '--json');
      expect(first.code, first.stderr).toBe(0);
      const loaded = JSON.parse(first.stdout) as {
        slug: string;
        created: number;
        unchanged: number;
        live: { animated: boolean; fiches: number };
      };
      expect(loaded.slug).toBe(DEMO_CONVENTION_SLUG);
      expect(loaded.created).toBeGreaterThan(100);
      expect(loaded.live).toMatchObject({ animated: true, fiches: 9 });
      expect(await db.prisma.convention.count({ where: { slug: DEMO_CONVENTION_SLUG } })).toBe(1);
      // Progress lines as the work went: a first tenth, then the whole.
      const percents = [...first.stderr.matchAll(/^\s*(\d+) % \((\d+)\/(\d+)\)/gm)].map((m) => Number(m[1]));
      expect(percents.length).toBeGreaterThan(2);
      expect(percents.at(-1)).toBe(100);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));

      const again = await concerto('demo');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(
        new RegExp(
          String.raw`^Convention de démonstration chargée \(ctg-mellois-en-poitou-2023-2027\) ` +
            String.raw`: 0 créé\(s\), 0 modifié\(s\), \d+ inchangé\(s\)\.\n` +
            String.raw`Elle vivait déjà \(fiches ou calendrier en cours\) : rien n’a été ajouté\.\n$`,
        ),
      );

      const member = await concertoAs(CAF, 'demo');
      expect(member.code).toBe(EXIT.access);
      expect(member.stderr).toContain('Seul un administrateur peut faire cela.');
    },
  );

  it('previews a running convention with --dry-run, writing nothing; a problem named by its line', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/imports/running-convention.json', import.meta.url));
    const fiches = await db.prisma.ficheAction.count();
    const preview = await concerto('convention', 'import-running', '--dry-run', fixture);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toBe(
      'Aperçu, rien n’est écrit : 3 fiche(s), 3 réunion(s) tenue(s), 4 décision(s), 1 avis de partenaire.\n' +
        'FA-2023-01  Ludothèque itinérante  (soumise)\n' +
        'FA-2023-02  Lieu d’accueil enfants-parents  (attente_copil)\n' +
        'FA-2023-03  Accueil de loisirs intercommunal  (en_oeuvre)\n',
    );
    const broken = path.join(tmp, 'en-cours.json');
    const text = (await readFile(fixture, 'utf8')).replace('"stage": "en_oeuvre"', '"stage": "soumise"');
    await writeFile(broken, text);
    const refused = await concerto('convention', 'import-running', '--dry-run', broken);
    expect(refused.code).toBe(EXIT.usage);
    const line = text.split('\n').findIndex((l) => l.includes('"versionInForce"')) + 1;
    expect(refused.stderr).toContain(`ligne ${line}, fiches.2.versionInForce : Une fiche soumise`);
    expect(await db.prisma.ficheAction.count()).toBe(fiches);
  });

  it(
    'creates a fiche, shows it as JSON and in French, edits its draft ' +
      'and submits it; a second submission exits 1, an unknown fiche 4',
    async () => {
      const created = await concerto(
        'fiche',
        'create',
        '--title',
        'Ludothèque itinérante',
        '--author',
        'directrice.education@example.org',
        '--convention',
        DEMO_CONVENTION_SLUG,
        '--json',
      );
      expect(created.code, created.stderr).toBe(0);
      const { ficheId, workflowId } = JSON.parse(created.stdout) as { ficheId: string; workflowId: string };
      expect(workflowId).toBe(`fiche-${ficheId}`);

      // The fiche's row and code are written by its workflow's first activity.
      await eventually(() => db.prisma.ficheAction.findUnique({ where: { id: ficheId } }), 'the fiche’s row');

      const shown = await concerto('fiche', 'show', ficheId, '--json');
      expect(shown.code, shown.stderr).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({
        ficheId,
        title: 'Ludothèque itinérante',
        lifecycle: { stage: 'brouillon' },
      });
      const human = await concerto('fiche', 'show', ficheId);
      expect(human.stdout).toMatch(/^Fiche\s+: .* — Ludothèque itinérante$/m);
      expect(human.stdout).toMatch(/^Étape\s+: brouillon$/m);

      const versions = await concerto('fiche', 'show', ficheId, '--versions', '--json');
      expect(versions.code, versions.stderr).toBe(0);
      expect(JSON.parse(versions.stdout)).toMatchObject({
        ficheId,
        versions: [{ version: 1, content: { title: 'Ludothèque itinérante' }, changes: [] }],
      });
      const listed = await concerto('fiche', 'list', '--convention', DEMO_CONVENTION_SLUG);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(`^FA-\\d{4}-\\d{2}\\s+brouillon\\s+Ludothèque itinérante  \\(${ficheId}\\)$`, 'm'),
      );

      // Its draft written by a coopérateur of the demo, by their own token; a wrong reference is refused first.
      const edited = await concertoAs(
        COOPERATOR,
        'fiche',
        'edit',
        ficheId,
        '--enjeu',
        'E2',
        '--public',
        'Familles du territoire',
        '--partenaire',
        'pas-une-structure',
      );
      expect(edited.code).toBe(EXIT.usage);
      expect(edited.stderr).toContain('pas-une-structure');
      const fixed = await concertoAs(
        COOPERATOR,
        'fiche',
        'edit',
        ficheId,
        '--enjeu',
        'E2',
        '--public',
        'Familles du territoire',
      );
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stdout).toBe(`Contenu de la fiche ${ficheId} enregistré (enjeu, publicVise).\n`);
      const draft = JSON.parse((await concerto('fiche', 'show', ficheId, '--versions', '--json')).stdout) as {
        versions: Array<{ content: Record<string, unknown> }>;
      };
      expect(draft.versions.at(-1)!.content).toMatchObject({
        title: 'Ludothèque itinérante',
        enjeu: 'E2',
        publicVise: 'Familles du territoire',
      });

      // Submitted by the coopérateur; a second time, the rules refuse it.
      const submitted = await concertoAs(COOPERATOR, 'fiche', 'submit', ficheId, '--json');
      expect(submitted.code, submitted.stderr).toBe(0);
      expect(JSON.parse(submitted.stdout)).toMatchObject({ ficheId, lifecycle: { stage: 'soumise' } });
      const again = await concertoAs(COOPERATOR, 'fiche', 'submit', ficheId, '--json');
      expect(again.code).toBe(EXIT.refused);
      expect(JSON.parse(again.stdout)).toMatchObject({ exitCode: EXIT.refused, error: { code: 'WRONG_STAGE' } });

      // The COTECH's avis waits for its meeting: the secretary's decision is refused until then.
      const wrongOutcome = await concertoAs(COTECH_SECRETARY, 'decide', ficheId, 'cotech', 'adoptee');
      expect(wrongOutcome.code).toBe(EXIT.usage);
      expect(wrongOutcome.stderr).toContain('Décisions possibles : favorable, a_retravailler, defavorable.');
      const early = await concertoAs(
        COTECH_SECRETARY,
        'decide',
        ficheId,
        'cotech',
        'favorable',
        '--comment',
        'Très bon projet',
        '--json',
      );
      expect(early.code, early.stderr).toBe(EXIT.refused);
      expect(JSON.parse(early.stdout)).toMatchObject({
        exitCode: EXIT.refused,
        error: { code: 'WRONG_STAGE', message: expect.stringContaining('réunion') },
      });

      const unknown = await concerto('fiche', 'show', 'no-such-fiche', '--json');
      expect(unknown.code).toBe(EXIT.notFound);
      expect(unknown.stderr).toContain('Aucune fiche ne porte cet identifiant.');
      expect(JSON.parse(unknown.stdout)).toEqual({
        exitCode: EXIT.notFound,
        error: { code: 'NOT_FOUND', message: 'Aucune fiche ne porte cet identifiant.' },
      });
    },
  );

  it(
    'opens the plan d’actions and takes its steps as the rules allow; another stage’s step exits 1, ' +
      'a partner’s 3, an unknown step 2, the Bureau sending it back without a comment 2',
    { timeout: 120_000 },
    async () => {
      const before = await concerto('plan', 'show');
      expect(before.code, before.stderr).toBe(0);
      expect(before.stdout).toContain('Plan d’actions 2023-2027 — ');
      expect(before.stdout).toMatch(/^État\s+: pas encore ouvert$/m);
      const opened = await concertoAs(COOPERATOR, 'plan', 'open');
      expect(opened.code, opened.stderr).toBe(0);
      expect(opened.stdout).toBe(
        'Plan d’actions 2023-2027 ouvert : il est en élaboration avec le groupe d’élaboration.\n',
      );
      const plan = await db.prisma.planActions.findFirstOrThrow();
      try {
        // Its workflow reads the plan before it takes a step: until then the step is refused (exit 1).
        const finished = await eventually(async () => {
          const run = await concertoAs(COOPERATOR, 'plan', 'step', 'finishElaboration');
          return run.code === EXIT.ok ? run : undefined;
        }, 'the élaboration closed');
        expect(finished.stdout).toBe(
          'Étape enregistrée : Fin de l’élaboration avec le groupe.\nLe plan d’actions est en écriture.\n',
        );
        const early = await concerto('plan', 'step', 'recordPresentation', '--json');
        expect(early.code).toBe(EXIT.refused);
        expect(early.stderr).toContain(
          'Le plan d’actions est en écriture : on ne peut pas enregistrer la présentation',
        );
        expect(JSON.parse(early.stdout)).toMatchObject({ exitCode: EXIT.refused, error: { code: 'WRONG_STAGE' } });
        const partner = await concertoAs(CAF, 'plan', 'step', 'submitToBureau');
        expect(partner.code).toBe(EXIT.access);
        expect(partner.stderr).toContain('Seul un coopérateur (ou un administrateur) peut transmettre');
        const unknown = await concerto('plan', 'step', 'frobnicate');
        expect(unknown.code).toBe(EXIT.usage);
        expect(unknown.stderr).toContain('plan step : étape inconnue « frobnicate »');
        expect(unknown.stderr).toContain('Étapes : finishElaboration, submitToBureau, recordBureauDecision');

        expect((await concertoAs(COOPERATOR, 'plan', 'step', 'submitToBureau')).code).toBe(EXIT.ok);
        const bare = await concerto('plan', 'step', 'recordBureauDecision', '--outcome', 'a_reprendre');
        expect(bare.code).toBe(EXIT.usage);
        expect(bare.stderr).toContain(
          'Dites ce qui est à reprendre (« comment ») : les rédacteurs du plan le liront. (champ « comment »)',
        );
        const sentBack = await concerto(
          'plan',
          'step',
          'recordBureauDecision',
          '--outcome',
          'a_reprendre',
          '--comment',
          'Chiffrer les actions de l’enjeu 2.',
        );
        expect(sentBack.code, sentBack.stderr).toBe(0);
        expect(sentBack.stdout).toContain('Le plan d’actions est en écriture.');

        const shown = await concerto('plan', 'show', '--json');
        expect(JSON.parse(shown.stdout)).toMatchObject({
          period: '2023-2027',
          plan: { stage: 'ecriture', history: [{}, {}, { outcome: 'a_reprendre' }] },
        });
        const human = await concerto('plan', 'show');
        expect(human.stdout).toMatch(/^État\s+: en écriture$/m);
        expect(human.stdout).toMatch(
          /^ {2}- .+ : Décision du Bureau communautaire \(à reprendre\), par admin@concerto\.localhost\n {4}« Chif/m,
        );
      } finally {
        await env.client.workflow
          .getHandle(plan.workflowId!)
          .terminate('fin du test')
          .catch(() => undefined);
      }
    },
  );

  it('gives the API’s field errors for bad input (exit 2)', async () => {
    const run = await concerto(
      'fiche',
      'create',
      '--title',
      'Sans auteur valable',
      '--author',
      'pas-une-adresse',
      '--convention',
      DEMO_CONVENTION_SLUG,
    );
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/^ {2}- authorEmail : .+$/m);
    expect(run.stderr).toContain('Corrigez la saisie');
    expect(run.stdout).toBe('');
  });

  it('shows a meeting with each person convened, their answer, and an address a mail server refused', async () => {
    const { meeting, emails } = await createTestMeeting(db.prisma);
    await db.prisma.person.update({
      where: { email: emails[1]! },
      data: { mailRefusedAt: new Date('2026-06-01T08:00:00Z'), mailRefusal: '550 5.1.1 user unknown' },
    });
    const run = await concerto('meeting', 'show', meeting.id);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain(`  - elue <${emails[0]}> : en attente\n`);
    expect(run.stdout).toContain(
      `  - directrice <${emails[1]}> : en attente ; ` +
        'adresse refusée le lundi 1er juin 2026 à 10 h 00 (550 5.1.1 user unknown)',
    );
  });

  it('exits 1 when the rules refuse the step (409): nothing is recorded at a cancelled meeting', async () => {
    const { meeting, emails } = await createTestMeeting(db.prisma, { status: 'annulee' });
    await db.prisma.meeting.update({ where: { id: meeting.id }, data: { workflowId: `meeting-${meeting.id}` } });
    const run = await concerto('meeting', 'attendance', meeting.id, '--present', emails[0]!, '--json');
    expect(run.code).toBe(EXIT.refused);
    expect(run.stderr).toContain('La réunion est annulée');
    expect(JSON.parse(run.stdout)).toMatchObject({ exitCode: EXIT.refused, error: { code: 'WRONG_STAGE' } });
  });

  it(
    'schedules a meeting, moves it and cancels it; one convened too late exits 1 with the delay, ' +
      'a move to a Saturday exits 1 with the reason and is held by --force with its motif, recorded',
    async () => {
      const day = openDayAfter(toLocal(new Date()), 12);
      const tooSoon = await concertoAs(
        COOPERATOR,
        'meeting',
        'create',
        '--convention',
        DEMO_CONVENTION_SLUG,
        '--instance',
        'cotech',
        '--title',
        'COTECH pressé',
        '--start',
        `${dateKey(openDayAfter(toLocal(new Date()), 1))} 14:00`,
        '--end',
        `${dateKey(openDayAfter(toLocal(new Date()), 1))} 17:00`,
      );
      expect(tooSoon.code).toBe(EXIT.refused);
      expect(tooSoon.stderr).toContain('7 jours francs');

      const created = await concertoAs(
        COOPERATOR,
        'meeting',
        'create',
        '--convention',
        DEMO_CONVENTION_SLUG,
        '--instance',
        'cotech',
        '--title',
        'COTECH de suivi',
        '--start',
        `${dateKey(day)} 14:00`,
        '--end',
        `${dateKey(day)} 17:00`,
        '--location',
        'Salle du conseil, Melle',
        '--json',
      );
      expect(created.code, created.stderr).toBe(0);
      const { meetingId } = JSON.parse(created.stdout) as { meetingId: string };
      const row = await db.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } });
      expect(row.startsAt).toEqual(atLocalTime(day, 14, 0));

      const later = openDayAfter(day, 1);
      // Until its workflow has started and read the meeting, a step is refused as premature: ask again.
      const moved = await eventually(
        async () => {
          const run = await concertoAs(
            COOPERATOR,
            'meeting',
            'reschedule',
            meetingId,
            '--start',
            `${dateKey(later)} 09:30`,
            '--end',
            `${dateKey(later)} 12:00`,
            '--reason',
            'Salle prise',
            '--json',
          );
          return run.code === 0 ? run : undefined;
        },
        'the meeting to be rescheduled',
        60_000,
      );
      expect(JSON.parse(moved.stdout)).toMatchObject({ meetingId, startsAt: atLocalTime(later, 9, 30).toISOString() });

      // A Saturday is refused with its reason (exit 1), and held with --force and the reason for it.
      let saturday = shiftDate(later, 1);
      while (weekdayOf(saturday) !== 6) saturday = shiftDate(saturday, 1);
      const toSaturday = (...force: string[]) =>
        concertoAs(
          COOPERATOR,
          'meeting',
          'reschedule',
          meetingId,
          '--start',
          `${dateKey(saturday)} 10:00`,
          '--end',
          `${dateKey(saturday)} 12:00`,
          ...force,
        );
      const weekend = await toSaturday();
      expect(weekend.code).toBe(EXIT.refused);
      expect(weekend.stderr).toMatch(/tombe un jour sans réunion \(samedi\)/);
      const forced = await toSaturday('--force', 'Seul jour où la salle est libre', '--json');
      expect(forced.code, forced.stderr).toBe(0);
      expect(JSON.parse(forced.stdout)).toMatchObject({ startsAt: atLocalTime(saturday, 10, 0).toISOString() });
      const audit = await db.prisma.auditEvent.findFirstOrThrow({
        where: { subject: `meeting:${meetingId}`, action: 'meeting.reschedule' },
        orderBy: { at: 'desc' },
      });
      expect(audit).toMatchObject({
        actor: COOPERATOR,
        details: { overrideReason: 'Seul jour où la salle est libre', overridden: expect.stringMatching(/samedi/) },
      });
      const cancelled = await concertoAs(COOPERATOR, 'meeting', 'cancel', meetingId, '--reason', 'Ordre du jour vide');
      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(cancelled.stdout).toBe(`Réunion ${meetingId} annulée.\n`);
      expect((await db.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } })).status).toBe('annulee');
    },
  );

  it('writes the convention’s meetings as iCalendar that ical.js reads', async () => {
    const { convention, meeting } = await createTestMeeting(db.prisma);
    const run = await concerto('calendar', '--convention', convention.slug);
    expect(run.code, run.stderr).toBe(0);
    const calendar = new ICAL.Component(ICAL.parse(run.stdout));
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const events = calendar.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
    expect(events.map((e) => e.uid)).toEqual([meeting.icalUid]);
    expect(events[0]!.summary).toContain('COTECH de juin');
    expect(events[0]!.startDate.toJSDate().toISOString()).toBe('2026-06-16T12:00:00.000Z');

    const unknown = await concerto('calendar', '--convention', 'pas-de-convention');
    expect(unknown.code).toBe(EXIT.notFound);
    expect(unknown.stderr).toContain('Aucune convention « pas-de-convention »');
  });

  it(
    'exports the setup and the members and imports them again, the ' +
      'setup with its progress; a wrong file gives its fields (exit 2)',
    async () => {
      const setup = await concerto('convention', 'export', '--convention', DEMO_CONVENTION_SLUG);
      expect(setup.code, setup.stderr).toBe(0);
      const setupFile = path.join(tmp, 'setup.json');
      await writeFile(setupFile, setup.stdout);
      const reloaded = await concerto('convention', 'import', setupFile, '--json');
      expect(reloaded.code, reloaded.stderr).toBe(0);
      expect(JSON.parse(reloaded.stdout)).toMatchObject({ imported: { created: 0, updated: 0, removed: 0 } });
      expect(reloaded.stderr).toMatch(/^100 % \(\d+\/\d+\) /m);

      const members = await concerto('convention', 'export', '--convention', DEMO_CONVENTION_SLUG, '--members');
      expect(members.code, members.stderr).toBe(0);
      const csvFile = path.join(tmp, 'membres.csv');
      await writeFile(csvFile, members.stdout);
      const imported = await concerto('convention', 'import', csvFile, '--convention', DEMO_CONVENTION_SLUG, '--json');
      expect(imported.code, imported.stderr).toBe(0);
      const { imported: summary } = JSON.parse(imported.stdout) as { imported: { created: number; unchanged: number } };
      expect(summary.created).toBe(0);
      expect(summary.unchanged).toBeGreaterThan(10);

      const broken = JSON.parse(setup.stdout) as { convention: Record<string, unknown> };
      await writeFile(
        setupFile,
        JSON.stringify({ ...broken, convention: { ...broken.convention, endDate: 'bientôt' } }),
      );
      const refused = await concerto('convention', 'import', setupFile);
      expect(refused.code).toBe(EXIT.usage);
      expect(refused.stderr).toMatch(/^ {2}- convention\.endDate : .+$/m);
      expect(refused.stderr).not.toContain(' % (');
    },
  );

  it('answers a date poll with the link a participant received, as the voting page does', async () => {
    const deadlineDay = openDayAfter(toLocal(new Date()), 3);
    // Two different days: ten and eleven days on could both fall on the Monday after a weekend.
    const first = openDayAfter(deadlineDay, 10);
    const second = openDayAfter(first, 1);
    const created = await concertoAs(
      COOPERATOR,
      'poll',
      'create',
      '--instance',
      'cotech',
      '--title',
      'COTECH de rentrée',
      '--deadline',
      `${dateKey(deadlineDay)} 12:00`,
      '--date',
      dateKey(first),
      '--date',
      `${dateKey(second)}/14:00-16:00@2`,
      '--participant',
      CAF,
      '--convention',
      DEMO_CONVENTION_SLUG,
      '--json',
    );
    expect(created.code, created.stderr).toBe(0);
    const poll = JSON.parse(created.stdout) as {
      pollId: string;
      options: Array<{ id: string; capacity: number | null }>;
    };
    expect(poll.options.map((o) => o.capacity)).toEqual([null, 2]);
    expect((await db.prisma.poll.findUniqueOrThrow({ where: { id: poll.pollId } })).deadline).toEqual(
      atLocalTime(deadlineDay, 12, 0),
    );
    const invitation = await eventually(
      async () => (await stack.catcher.list()).find((m) => m.subject.startsWith('Sondage de date : COTECH de rentrée')),
      'the invitation to vote',
    );
    const link = /Répondre au sondage : (\S+)/.exec(
      (await simpleParser((await stack.catcher.readRaw(invitation.id))!)).text ?? '',
    )?.[1];
    expect(link).toBeDefined();

    // The participant has the link and no account: no token at all.
    const noAccount = { CONCERTO_URL: cliEnv.CONCERTO_URL!, CONCERTO_DATA_DIR: path.join(tmp, 'nowhere') };
    const voted = await runConcerto(
      [
        'poll',
        'vote',
        link!,
        '--date',
        dateKey(first),
        '--answer',
        'oui',
        '--date',
        `${dateKey(second)}/14:00`,
        '--answer',
        'si_necessaire',
        '--signup',
        dateKey(second),
        '--json',
      ],
      noAccount,
    );
    expect(voted.code, voted.stderr).toBe(0);
    const [optionA, optionB] = poll.options.map((o) => o.id);
    expect(JSON.parse(voted.stdout)).toEqual({
      pollId: poll.pollId,
      answers: { [optionA!]: 'oui', [optionB!]: 'si_necessaire' },
      signUps: [optionB],
    });
    const shown = await concerto('poll', 'show', poll.pollId, '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({
      answered: 1,
      options: [
        { oui: 1, siNecessaire: 0 },
        { oui: 0, siNecessaire: 1, volunteers: [CAF] },
      ],
    });

    // A link changed by hand: the page's refusal, in its words.
    // The signature's first character: all six of its bits are signature (the last one's are not).
    const token = link!.slice(link!.lastIndexOf('/') + 1);
    const at = token.indexOf('.') + 1;
    const forged =
      `${TEST_LINKS.publicUrl}/vote/${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}` + `${token.slice(at + 1)}`;
    const refused = await runConcerto(['poll', 'vote', forged, '--date', dateKey(first), '--answer', 'non'], noAccount);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.stderr).toContain('Ce lien n’est pas valide : il a peut-être été modifié ou mal copié.');
    const notProposed = await runConcerto(
      ['poll', 'vote', link!, '--date', dateKey(deadlineDay), '--answer', 'non'],
      noAccount,
    );
    expect(notProposed.code).toBe(EXIT.usage);
    expect(notProposed.stderr).toContain('ce sondage ne propose pas cette date');
    const oneOfTwo = await runConcerto(['poll', 'vote', link!, '--date', dateKey(first), '--answer', 'non'], noAccount);
    expect(oneOfTwo.code).toBe(EXIT.usage);
    expect(oneOfTwo.stderr).toContain('Répondez pour chaque date : il manque');

    // Closed early by its organiser: the date with the most « oui » is chosen.
    const closed = await concertoAs(COOPERATOR, 'poll', 'close', poll.pollId, '--json');
    expect(closed.code, closed.stderr).toBe(0);
    expect(JSON.parse(closed.stdout)).toMatchObject({ pollId: poll.pollId, chosenOptionId: optionA });
  });

  it('lists the caught mail', async () => {
    // The demo's workflows go on mailing meanwhile: the CLI sees at least what was caught before, all of it caught.
    const before = await stack.catcher.list();
    const run = await concerto('outbox', '--json');
    const after = await stack.catcher.list();
    expect(run.code, run.stderr).toBe(0);
    const { messages } = JSON.parse(run.stdout) as { messages: unknown[] };
    expect(messages.length).toBeGreaterThanOrEqual(before.length);
    expect(after).toEqual(expect.arrayContaining(messages));
    expect(messages).toEqual(expect.arrayContaining(before));
  });

  it('lists the audit log since a date, by actor and action; a wrong date exits 2, a non-admin 3', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const admin = 'admin@concerto.localhost';
    const run = await concerto('audit', '--since', yesterday, '--action', 'fiche', '--json');
    expect(run.code, run.stderr).toBe(0);
    const { events } = JSON.parse(run.stdout) as { events: Array<{ actor: string; action: string }> };
    expect(events.some((e) => e.action === 'fiche.create' && e.actor === admin)).toBe(true);
    expect(events.every((e) => e.action.startsWith('fiche.'))).toBe(true);

    const text = await concerto('audit', '--since', yesterday, '--actor', admin, '--action', 'fiche.create');
    expect(text.code, text.stderr).toBe(0);
    expect(
      text.stdout
        .trim()
        .split('\n')
        .every((line) => line.includes(`${admin}  Fiche créée  fiche:`)),
    ).toBe(true);
    expect((await concerto('audit', '--since', '2099-01-01')).stdout).toContain('Aucune ligne');

    const wrong = await concerto('audit', '--since', '2026-02-30');
    expect(wrong.code).toBe(EXIT.usage);
    expect(wrong.stderr).toMatch(/since/);
    const missing = await concerto('audit');
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toContain('il manque --since');
    expect((await concertoAs(COOPERATOR, 'audit', '--since', yesterday)).code).toBe(EXIT.access);
  });
});

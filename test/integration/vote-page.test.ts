import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { atLocalTime, dateKey, shiftDate, toLocal, type LocalDate } from '../../domain/paris-time.js';
import type { Database } from '../../store/database/open-database.js';
import type { MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { signLink, voteLink } from '../../infra/links/signed-links.js';
import { loadDemo } from '../../store/conventions/load-demo.js';
import { meetingWorkflowId } from '../../workflows/meeting-definitions.js';
import { voteUpdate } from '../../workflows/poll-definitions.js';
import { tokenFor, type AuthHeaders } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { testHttpApp } from '../helpers/http-app.js';
import { devServerEnv, TEST_LINKS } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually } from '../helpers/time-skipping.js';

// The voting page of a date poll through the real HTTP app (fastify inject), with the signed link
// taken from the invitation a real SMTP catcher received; the poll's workflow on the dev server.

const ZONE = 'Europe/Paris';
const ORGANISER = { email: 'directrice.education@example.org' };
const CAF = 'caf.conseiller-territorial@example.org';
const MSA = 'msa.travailleur-social@example.org';
const SECRETAIRE = 'assistante.education@example.org';
const TITLE = 'COTECH de rentrée';
const form = (fields: Array<[string, string]>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

describe('the voting page of a date poll (HTTP app, dev server, real SMTP)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let catcher: MailCatcher;
  let app: FastifyInstance;
  let poll: {
    pollId: string;
    workflowId: string;
    options: Array<{ id: string; label: string; capacity: number | null }>;
  };
  let links: Record<string, string>;
  /** API tokens of the organiser (a coopérateur) and of a member of the CAF. */
  let asOrganiser: AuthHeaders;
  let asCaf: AuthHeaders;

  const openDayAfter = (day: LocalDate, days: number) => nextOpenDay(shiftDate(day, days), null).date;

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('postgres')]);
    stack = await startTestWorker(env, db, 'vote-page');
    catcher = stack.catcher;
    await loadDemo(db.prisma);
    [asOrganiser, asCaf] = await Promise.all([tokenFor(db.prisma, ORGANISER.email), tokenFor(db.prisma, CAF)]);
    app = testHttpApp(env, db, stack.taskQueue);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  /** Cancels a meeting a poll created, once its workflow has read it (before, it asks to retry). */
  async function cancelMeeting(meetingId: string): Promise<void> {
    await eventually(async () => {
      const cancelled = await app.inject({
        method: 'POST',
        url: `/api/meetings/${meetingId}/cancel`,
        headers: asOrganiser,
        payload: { reason: 'Fin du test' },
      });
      return cancelled.statusCode === 200;
    }, 'the meeting to be cancelled');
  }

  it(
    'POST /api/polls refuses a Saturday with a French ' + 'message naming the date, and starts a poll of open days',
    async () => {
      const today = toLocal(new Date(), ZONE);
      const deadlineDay = openDayAfter(today, 3);
      const deadline = atLocalTime(deadlineDay, 12, 0, ZONE).toISOString();
      const first = openDayAfter(deadlineDay, 10);
      let saturday = first;
      while (toLocal(atLocalTime(saturday, 12, 0, ZONE), ZONE).weekday !== 6) saturday = shiftDate(saturday, 1);
      const body = {
        instance: 'cotech',
        title: TITLE,
        deadline,
        participants: [CAF, MSA, SECRETAIRE],
        options: [
          { kind: 'journee', date: dateKey(first) },
          { kind: 'creneau', date: dateKey(openDayAfter(first, 1)), start: '14:00', end: '16:00', capacity: 1 },
        ],
      };
      const refused = await app.inject({
        method: 'POST',
        url: '/api/polls',
        headers: asOrganiser,
        payload: { ...body, options: [...body.options, { kind: 'journee', date: dateKey(saturday) }] },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({
        code: 'INVALID_INPUT',
        field: 'options.2',
        message: expect.stringMatching(/samedi .* tombe un jour sans réunion \(samedi\)/),
      });

      // A poll mails whom it asks: outside the convention, only addresses the organiser confirms.
      const outside = await app.inject({
        method: 'POST',
        url: '/api/polls',
        headers: asOrganiser,
        payload: { ...body, participants: [...body.participants, 'Dehors@Example.org', 'ailleurs@example.org'] },
      });
      expect(outside.statusCode).toBe(400);
      expect(outside.json().error).toMatchObject({
        field: 'participants',
        message: expect.stringMatching(
          /^Ces adresses ne sont d’aucun membre de la convention : ailleurs@example.org, /,
        ),
      });
      expect(outside.json().error.message).toMatch(/dehors@example.org\. .*« outsiders »/);
      const confirmed = await app.inject({
        method: 'POST',
        url: '/api/polls',
        headers: asOrganiser,
        payload: { ...body, title: 'Sondage avec un invité', outsiders: ['Dehors@Example.org'] },
      });
      expect(confirmed.statusCode, confirmed.body).toBe(201);
      expect(confirmed.json<{ participants: string[] }>().participants).toEqual(
        [CAF, SECRETAIRE, 'dehors@example.org', MSA].sort(),
      );
      await env.client.workflow.getHandle(confirmed.json<{ workflowId: string }>().workflowId).terminate('fin du test');

      const created = await app.inject({ method: 'POST', url: '/api/polls', headers: asOrganiser, payload: body });
      expect(created.statusCode).toBe(201);
      poll = created.json();
      expect(poll.options.map((o) => o.capacity)).toEqual([null, 1]);

      // Each participant's own link, from the invitation the catcher received.
      const invitations = await eventually(async () => {
        const caught = (await catcher.list()).filter((m) => m.subject.startsWith(`Sondage de date : ${TITLE}`));
        return caught.length >= 3 ? caught : undefined;
      }, 'the three invitations');
      links = {};
      for (const message of invitations) {
        const text = (await simpleParser((await catcher.readRaw(message.id))!)).text ?? '';
        const link = /Répondre au sondage : (\S+)/.exec(text)?.[1];
        expect(link).toMatch(new RegExp(`^${TEST_LINKS.publicUrl}/vote/`));
        links[message.to[0]!] = link!.slice(TEST_LINKS.publicUrl.length);
      }
      expect(Object.keys(links).sort()).toEqual([CAF, MSA, SECRETAIRE].sort());
    },
  );

  it(
    'GET shows the dates as a French, accessible form and ' +
      'records nothing; POST records the answers and the sign-up',
    async () => {
      const [A, B] = poll.options;
      const page = await app.inject({ method: 'GET', url: links[CAF]! });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.body).toMatch(/<html lang="fr">/);
      expect(page.body).toContain(`<legend>${A!.label}</legend>`);
      expect(page.body).toMatch(
        new RegExp(`name="answer-${A!.id}" value="si_necessaire" required>Si nécessaire</label>`),
      );
      expect(page.body).toMatch(
        new RegExp(`<input type="checkbox" name="signup" value="${B!.id}"[^>]*>Je m’inscris pour cette date`),
      );
      expect(page.body).toContain('1 place restante sur 1.');
      expect(await db.prisma.vote.count({ where: { option: { pollId: poll.pollId } } })).toBe(0);

      const answered = await app.inject({
        method: 'POST',
        url: links[CAF]!,
        ...form([
          [`answer-${A!.id}`, 'oui'],
          [`answer-${B!.id}`, 'oui'],
          ['signup', B!.id],
        ]),
      });
      expect(answered.statusCode).toBe(200);
      expect(answered.body).toContain('Vos réponses sont enregistrées');
      expect(answered.body).toMatch(new RegExp(`name="answer-${A!.id}" value="oui" required checked>`));
      const votes = await db.prisma.vote.findMany({
        where: { option: { pollId: poll.pollId } },
        orderBy: { option: { position: 'asc' } },
      });
      expect(votes.map((v) => [v.voterEmail, v.answer, v.volunteer])).toEqual([
        [CAF, 'oui', false],
        [CAF, 'oui', true],
      ]);
      const audited = await db.prisma.auditEvent.findMany({
        where: { subject: `poll:${poll.pollId}`, action: 'poll.vote' },
      });
      expect(audited.map((l) => [l.actor, l.details, l.key?.startsWith('vote:')])).toEqual([
        [CAF, { answers: { [A!.id]: 'oui', [B!.id]: 'oui' }, signUps: [B!.id] }, true],
      ]);

      const state = (
        await app.inject({ method: 'GET', url: `/api/polls/${poll.pollId}`, headers: asOrganiser })
      ).json();
      expect(state).toMatchObject({ status: 'ouvert', answered: 1, awaiting: [MSA, SECRETAIRE].sort() });
      expect(state.options[1]).toMatchObject({ oui: 1, volunteers: [CAF] });
    },
  );

  it(
    'a full date is refused with the form shown again and ' + 'the reason; a missing answer too; nothing is recorded',
    async () => {
      const [A, B] = poll.options;
      const full = await app.inject({
        method: 'POST',
        url: links[MSA]!,
        ...form([
          [`answer-${A!.id}`, 'si_necessaire'],
          [`answer-${B!.id}`, 'oui'],
          ['signup', B!.id],
        ]),
      });
      expect(full.statusCode).toBe(409);
      expect(full.body).toMatch(/role="alert">Le .* est complet \(1 place, toutes prises\)/);
      expect(full.body).toMatch(new RegExp(`name="answer-${A!.id}" value="si_necessaire" required checked>`));
      const partial = await app.inject({ method: 'POST', url: links[MSA]!, ...form([[`answer-${A!.id}`, 'oui']]) });
      expect(partial.statusCode).toBe(400);
      expect(partial.body).toMatch(/Répondez pour chaque date/);
      expect(await db.prisma.vote.count({ where: { voterEmail: MSA } })).toBe(0);

      const answered = await app.inject({
        method: 'POST',
        url: links[MSA]!,
        ...form([
          [`answer-${A!.id}`, 'oui'],
          [`answer-${B!.id}`, 'non'],
        ]),
      });
      expect(answered.statusCode).toBe(200);
    },
  );

  it('a changed, expired, wrong-purpose or stranger’s link gets a French page that says so', async () => {
    const token = links[CAF]!.slice('/vote/'.length);
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const cases: Array<[string, number, RegExp]> = [
      [`/vote/${forged}`, 400, /Lien non valide/],
      [
        `/vote/${signLink(
          { purpose: 'vote', subject: poll.pollId, email: CAF, expiresAt: new Date(Date.now() - 1000) },
          TEST_LINKS.secret,
        )}`,
        410,
        /Lien expiré/,
      ],
      [
        `/vote/${signLink(
          {
            purpose: 'rsvp',
            subject: poll.pollId,
            email: CAF,
            answer: 'ACCEPTED',
            expiresAt: new Date(Date.now() + 86_400_000),
          },
          TEST_LINKS.secret,
        )}`,
        400,
        /ne sert pas à cette action/,
      ],
      [
        voteLink({
          publicUrl: '',
          secret: TEST_LINKS.secret,
          pollId: poll.pollId,
          email: 'coordinateur.0-6-ans@example.org',
          expiresAt: new Date(Date.now() + 86_400_000),
        }),
        403,
        /ne figure pas parmi les participants/,
      ],
    ];
    for (const [url, status, text] of cases) {
      for (const method of ['GET', 'POST'] as const) {
        const page = await app.inject({ method, url, ...(method === 'POST' ? form([]) : {}) });
        expect(page.statusCode, `${method} ${url.slice(0, 30)}`).toBe(status);
        expect(page.body).toMatch(text);
        expect(page.body).toMatch(/Que faire \?/);
      }
    }
  });

  it(
    'closed early by its organiser: the date with the most oui becomes ' +
      'a meeting, the page shows the result and takes no more answers',
    async () => {
      const [A] = poll.options;
      const byMember = await app.inject({
        method: 'POST',
        url: `/api/polls/${poll.pollId}/close`,
        headers: asCaf,
        payload: {},
      });
      expect(byMember.statusCode).toBe(403);
      const closed = await app.inject({
        method: 'POST',
        url: `/api/polls/${poll.pollId}/close`,
        headers: asOrganiser,
        payload: {},
      });
      expect(closed.statusCode).toBe(200);
      expect(closed.json()).toMatchObject({ chosenOptionId: A!.id, reason: 'oui' });

      const state = await eventually(async () => {
        const current = (
          await app.inject({ method: 'GET', url: `/api/polls/${poll.pollId}`, headers: asOrganiser })
        ).json();
        return current.status === 'clos' && current.meetingId ? current : undefined;
      }, 'the poll to be settled');
      expect(state.chosenOptionId).toBe(A!.id);
      const meeting = (
        await app.inject({ method: 'GET', url: `/api/meetings/${state.meetingId}`, headers: asOrganiser })
      ).json();
      expect(meeting).toMatchObject({ title: TITLE, status: 'planifiee', instance: { slug: 'cotech' } });
      expect((await env.client.workflow.getHandle(meetingWorkflowId(state.meetingId)).describe()).status.name).toBe(
        'RUNNING',
      );
      await eventually(
        async () => (await catcher.list()).filter((m) => m.subject.startsWith(`Date retenue : ${TITLE}`)).length >= 4,
        'the result to everyone',
      );

      const page = await app.inject({ method: 'GET', url: links[SECRETAIRE]! });
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/Le sondage est clos\. Date retenue/);
      expect(page.body).not.toMatch(/<form/);
      const late = await app.inject({ method: 'POST', url: links[SECRETAIRE]!, ...form([[`answer-${A!.id}`, 'oui']]) });
      expect(late.statusCode).toBe(409);
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `/api/polls/${poll.pollId}/choose`,
            headers: asOrganiser,
            payload: { optionId: A!.id },
          })
        ).statusCode,
      ).toBe(409);

      await cancelMeeting(state.meetingId);
    },
  );

  it(
    'a tie: the organiser’s link from the mail shows the ' + 'tied dates only, and choosing one settles the poll',
    async () => {
      const title = 'GTT à départager';
      const day = openDayAfter(openDayAfter(toLocal(new Date(), ZONE), 3), 10);
      const created = await app.inject({
        method: 'POST',
        url: '/api/polls',
        headers: asOrganiser,
        payload: {
          instance: 'cotech',
          title,
          deadline: atLocalTime(openDayAfter(toLocal(new Date(), ZONE), 3), 12, 0, ZONE).toISOString(),
          participants: [CAF, MSA],
          options: [
            { kind: 'demi_journee', date: dateKey(day), half: 'matin' },
            { kind: 'creneau', date: dateKey(day), start: '09:00', end: '10:30' },
            { kind: 'journee', date: dateKey(openDayAfter(day, 1)) },
          ],
        },
      });
      expect(created.statusCode).toBe(201);
      const tied: { pollId: string; options: Array<{ id: string; label: string }> } = created.json();
      const [A, B, C] = tied.options;
      const handle = env.client.workflow.getHandle(created.json().workflowId);
      for (const email of [CAF, MSA]) {
        await handle.executeUpdate(voteUpdate, {
          args: [{ email, answers: { [A!.id]: 'oui', [B!.id]: 'oui', [C!.id]: 'non' }, signUps: [] }],
        });
      }
      expect(
        (
          await app.inject({
            method: 'POST',
            url: `/api/polls/${tied.pollId}/close`,
            headers: asOrganiser,
            payload: {},
          })
        ).json(),
      ).toMatchObject({ status: 'departage', tied: [A!.id, B!.id] });

      const mail = await eventually(
        async () => (await catcher.list()).find((m) => m.subject === `Sondage à départager : ${title}`),
        'the mail to the organiser',
      );
      expect(mail.to).toEqual([ORGANISER.email]);
      const text = (await simpleParser((await catcher.readRaw(mail.id))!)).text ?? '';
      const url = /Choisir la date : (\S+)/.exec(text)![1]!.slice(TEST_LINKS.publicUrl.length);
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`value="${A!.id}" required>${A!.label}</label>`);
      expect(page.body).toContain(`value="${B!.id}" required>${B!.label}</label>`);
      expect(page.body).not.toContain(`value="${C!.id}"`);
      // A participant's own link does not choose.
      const participant = voteLink({
        publicUrl: '',
        secret: TEST_LINKS.secret,
        pollId: tied.pollId,
        email: CAF,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      expect((await app.inject({ method: 'GET', url: participant })).body).toMatch(/l’organisateur choisit/);

      const notTied = await app.inject({ method: 'POST', url, ...form([['optionId', C!.id]]) });
      expect(notTied.statusCode).toBe(400);
      expect(notTied.body).toMatch(/role="alert">Choisissez parmi les dates à égalité/);
      const chosen = await app.inject({ method: 'POST', url, ...form([['optionId', B!.id]]) });
      expect(chosen.statusCode).toBe(200);
      expect(chosen.body).toContain(`Date retenue : ${B!.label}`);
      const settled = await db.prisma.poll.findUniqueOrThrow({ where: { id: tied.pollId } });
      expect(settled).toMatchObject({ status: 'clos', chosenOptionId: B!.id, chosenBy: ORGANISER.email });
      await cancelMeeting(settled.meetingId!);
    },
  );
});

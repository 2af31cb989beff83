import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, buildTimeline } from '../../client/history-timeline.js';
import { ACTIVITY_LABELS, SIGNAL_LABELS, UPDATE_LABELS } from '../../client/timeline-labels.js';
import { renderNotice, type NoticeContent } from '../../documents/mail/notices/render-notice.js';
import type { LedgerLine } from '../../store/mail-ledger/workflow-mail-ledger.js';
import type { Transporter } from 'nodemailer';
import type { Store } from '../../store/index.js';
import { createActivities } from '../../worker/create-worker.js';

const HISTORIES = path.join(import.meta.dirname, '../fixtures/histories');
const SCENARIOS = readdirSync(HISTORIES)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length));

/** The fields of the JSON history events these tests read for themselves. */
interface RawEvent {
  eventId: string;
  eventTime: string;
  activityTaskScheduledEventAttributes?: {
    activityType: { name: string };
    input: { payloads: Array<{ data: string }> };
  };
  activityTaskCompletedEventAttributes?: { scheduledEventId: string; result: { payloads: Array<{ data: string }> } };
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest: { input: { name: string } } };
  workflowExecutionSignaledEventAttributes?: { signalName: string };
}

/** The recorded history of a scenario, and the workflow id it was recorded under. */
function recorded(scenario: string): { workflowId: string; history: History; raw: { events: RawEvent[] } } {
  const raw = JSON.parse(readFileSync(path.join(HISTORIES, `${scenario}.json`), 'utf8'));
  return { workflowId: `history-${scenario}`, history: historyFromJSON(raw), raw };
}

/** The decoded first argument of a scheduled activity, read from the JSON independently of the module. */
const argOf = (attributes: RawEvent['activityTaskScheduledEventAttributes']) =>
  JSON.parse(Buffer.from(attributes!.input.payloads[0]!.data, 'base64').toString('utf8'));

/** The ledger lines a batched mail activity's result reports, read from the JSON. */
function linesOf(raw: { events: RawEvent[] }, scheduled: RawEvent): Array<{ to: string; idempotencyKey: string }> {
  const completed = raw.events.find(
    (e) => e.activityTaskCompletedEventAttributes?.scheduledEventId === scheduled.eventId,
  )!;
  const result = completed.activityTaskCompletedEventAttributes!.result.payloads[0]!.data;
  return (
    JSON.parse(Buffer.from(result, 'base64').toString('utf8')) as {
      lines: Array<{ to: string; idempotencyKey: string }>;
    }
  ).lines;
}

describe('the French names', () => {
  it('name every update and signal the workflows define, and every activity the worker registers', async () => {
    const modules = await Promise.all([
      import('../../workflows/definitions.js'),
      import('../../workflows/meeting-definitions.js'),
      import('../../workflows/poll-definitions.js'),
      import('../../workflows/calendar-definitions.js'),
      import('../../workflows/convention-definitions.js'),
      import('../../workflows/retention-definitions.js'),
      import('../../workflows/plan-actions-definitions.js'),
    ]);
    const definitions = modules
      .flatMap((m) => Object.values(m))
      .flatMap((v) => (v && typeof v === 'object' && 'type' in v ? [v] : Object.values(v ?? {})));
    const named = (type: string) =>
      definitions.filter((d) => (d as { type?: string }).type === type).map((d) => (d as { name: string }).name);
    expect(named('update').length).toBeGreaterThan(15);
    for (const name of named('update')) expect(UPDATE_LABELS, name).toHaveProperty(name);
    for (const name of named('signal')) expect(SIGNAL_LABELS, name).toHaveProperty(name);
    // The activities as the worker registers them; nothing is called, so any store will do.
    const anything: unknown = new Proxy(() => undefined, {
      get: (_target, key) => (key === 'then' ? undefined : anything),
    });
    const activities = Object.keys(
      createActivities({
        store: anything as Store,
        transport: anything as Transporter,
        mailFrom: 'c@example.org',
        links: { publicUrl: 'http://localhost', secret: 's' },
      }),
    );
    expect(activities.length).toBeGreaterThan(15);
    for (const name of activities) expect(ACTIVITY_LABELS, name).toHaveProperty(name);
  });
});

describe('buildTimeline on the recorded histories', () => {
  it.each(SCENARIOS)(
    '%s: every activity, update and signal has a French name, one entry each, in the history’s order',
    (scenario) => {
      const { workflowId, history, raw } = recorded(scenario);
      const timeline = buildTimeline(workflowId, history);
      const count = (key: string) => raw.events.filter((e) => key in e).length;
      expect(timeline.filter((e) => e.kind === 'update')).toHaveLength(
        count('workflowExecutionUpdateAcceptedEventAttributes'),
      );
      expect(timeline.filter((e) => e.kind === 'activity' || e.kind === 'mail')).toHaveLength(
        count('activityTaskScheduledEventAttributes'),
      );
      expect(timeline.filter((e) => e.kind === 'timer')).toHaveLength(count('timerStartedEventAttributes'));
      // No raw wire name left: the fallback quotes unknown names « like this ».
      for (const entry of timeline) expect(entry.what, `event ${entry.eventId}`).not.toMatch(/^« /);
      for (const e of raw.events) {
        const name =
          e.activityTaskScheduledEventAttributes?.activityType.name ??
          e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest.input.name ??
          e.workflowExecutionSignaledEventAttributes?.signalName;
        if (name) expect({ ...ACTIVITY_LABELS, ...UPDATE_LABELS, ...SIGNAL_LABELS }, name).toHaveProperty(name);
      }
      // In the history's order (an update's acceptance may carry an earlier time than the event before it).
      const ids = timeline.map((e) => e.eventId);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(timeline[0]).toMatchObject({ kind: 'workflow', what: expect.stringMatching(/^Début : /) });
      // A recording stops at the workflow's end, or at a stable waiting point (the convention's cycle runs for years).
      if (count('workflowExecutionCompletedEventAttributes') > 0) {
        expect(timeline.at(-1)).toMatchObject({ kind: 'workflow', what: 'Fin du processus', outcome: 'terminé' });
        // Everything the run did finished: nothing is left « en cours » but a child workflow, which
        // runs on after its parent (the poll's meeting).
        expect(timeline.filter((e) => e.outcome === 'en cours' && e.kind !== 'child').map((e) => e.eventId)).toEqual(
          [],
        );
      } else {
        expect(timeline.at(-1)!.kind).not.toBe('workflow');
      }
    },
  );

  it('a fiche validated then amended: who decided what, in order, at Paris time', () => {
    const { workflowId, history, raw } = recorded('validated-and-amended');
    const timeline = buildTimeline(workflowId, history);
    const first = timeline[0]!;
    expect(first).toMatchObject({
      who: 'redactrice.fiche@example.org',
      what: 'Début : Cycle de vie d’une fiche action « Accueil des familles à Melle »',
    });
    // 15:14 UTC on 28 November is 16:14 in Paris (winter time).
    expect(raw.events[0]!.eventTime).toMatch(/^2026-11-28T15:14/);
    expect(first.when).toBe('samedi 28 novembre 2026 à 16 h 14');

    const steps = timeline.filter((e) => e.kind === 'update').map((e) => `${e.who} — ${e.what} — ${e.outcome}`);
    expect(steps.slice(0, 7)).toEqual([
      'directrice.education@example.org — Soumission de la fiche — fait',
      'assistante.education@example.org — Avis du COTECH : favorable — fait',
      'caf.action-sociale@example.org — Avis d’un partenaire (CAF) : favorable — fait',
      'msa.action-sanitaire-sociale@example.org — Avis d’un partenaire (MSA) : réservé — fait',
      'assistante.education@example.org — Décision du COPIL : adoptée — fait',
      'secretariat.assemblees@example.org — Validation par le Bureau communautaire : validée — fait',
      'directrice.education@example.org — Évaluation annuelle 2026 — fait',
    ]);
    expect(steps[7]).toBe('directrice.education@example.org — Demande d’avenant — fait');
    // A reminder's wait, ended early by the decision: said as such.
    expect(timeline.find((e) => e.kind === 'timer')).toMatchObject({
      who: SYSTEM_ACTOR,
      what: expect.stringMatching(/^Attente de .*, jusqu’au dimanche 29 novembre 2026 à 09 h 00$/),
      outcome: expect.stringMatching(/^interrompue le /),
    });
  });

  it('a mail carries its ledger line: the attempts in order, in French, at Paris time', () => {
    const { workflowId, history, raw } = recorded('validated-and-amended');
    const mails = raw.events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'sendNotification',
    );
    const input = argOf(mails[0]!.activityTaskScheduledEventAttributes);
    const ledger: LedgerLine[] = [
      {
        idempotencyKey: input.idempotencyKey,
        recipient: input.to,
        subject: input.subject,
        attempts: [
          { attempt: 2, outcome: 'sent', at: new Date('2026-11-28T15:15:00Z') },
          {
            attempt: 1,
            outcome: 'retrying',
            at: new Date('2026-11-28T15:14:40Z'),
            error: 'connect ECONNREFUSED 127.0.0.1:2525',
          },
        ],
      },
      { idempotencyKey: 'another-workflow:step-1:x', recipient: 'x@example.org', subject: 'Autre', attempts: [] },
    ];
    const timeline = buildTimeline(workflowId, history, ledger);
    const entry = timeline.find((e) => e.eventId === Number(mails[0]!.eventId))!;
    expect(entry).toMatchObject({
      kind: 'mail',
      who: SYSTEM_ACTOR,
      what: `Courriel « ${input.subject} » à ${input.to}`,
      outcome: 'fait',
    });
    expect(entry.mails).toEqual([
      {
        recipient: input.to,
        subject: input.subject,
        attempts: [
          {
            attempt: 1,
            outcome: 'retrying',
            label: 'échec, nouvel essai prévu',
            at: '2026-11-28T15:14:40.000Z',
            when: 'samedi 28 novembre 2026 à 16 h 14',
            error: 'connect ECONNREFUSED 127.0.0.1:2525',
          },
          {
            attempt: 2,
            outcome: 'sent',
            label: 'envoyé',
            at: '2026-11-28T15:15:00.000Z',
            when: 'samedi 28 novembre 2026 à 16 h 15',
          },
        ],
      },
    ]);
    // The other mails have no line in this ledger, and the foreign line attaches to nothing.
    expect(timeline.filter((e) => e.mails?.length)).toHaveLength(1);
  });

  it('a step’s notices, one activity for all their recipients, carry a ledger line each, found by the result', () => {
    const { workflowId, history, raw } = recorded('validated-and-amended-notices-batched');
    const scheduled = raw.events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'sendFicheNotices',
    )!;
    const lines = linesOf(raw, scheduled);
    expect(lines.length).toBeGreaterThan(2);
    const sent = (line: { to: string; idempotencyKey: string }, error?: string): LedgerLine => ({
      idempotencyKey: line.idempotencyKey,
      recipient: line.to,
      subject: 'Soumission',
      status: error ? 'failed' : 'sent',
      ...(error ? { lastError: error, lastResponse: error } : {}),
      attempts: [{ attempt: 1, outcome: error ? 'failed' : 'sent', at: new Date('2026-11-28T15:15:00Z') }],
    });
    const refused = lines[1]!;
    const ledger = lines.map((line) => sent(line, line === refused ? '550 5.1.1 Unknown user' : undefined));
    const entry = buildTimeline(workflowId, history, ledger).find((e) => e.eventId === Number(scheduled.eventId))!;
    expect(entry.kind).toBe('mail');
    expect(entry.what).toMatch(new RegExp(`^Courriels « .* » à ${lines.length} destinataires$`));
    expect(entry.mails?.map((m) => m.recipient)).toEqual(lines.map((l) => l.to));
    // One recipient refused: the entry says which, the others were sent.
    expect(entry).toMatchObject({ failed: true });
    expect(entry.outcome).toBe(
      `${refused.to} : non remis (adresse refusée par le serveur du destinataire) : 550 5.1.1 Unknown user`,
    );
  });

  it('the notices of steps told together name each subject, and find the lines of every occasion', () => {
    const { workflowId, history, raw } = recorded('notices-coalesced');
    const scheduled = raw.events.find((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a?.activityType.name === 'sendFicheNotices' && (argOf(a) as { sendings: unknown[] }).sendings.length > 1;
    })!;
    const { sendings } = argOf(scheduled.activityTaskScheduledEventAttributes) as {
      sendings: Array<{ occasion: string; notices: Array<{ content: NoticeContent }> }>;
    };
    const lines = linesOf(raw, scheduled);
    // Lines of each occasion, and none of another activity's.
    for (const { occasion } of sendings)
      expect(lines.some((line) => line.idempotencyKey.startsWith(`${workflowId}:${occasion}:`))).toBe(true);
    const ledger: LedgerLine[] = lines.map((line) => ({
      idempotencyKey: line.idempotencyKey,
      recipient: line.to,
      subject: 'Avis',
      status: 'sent',
      attempts: [{ attempt: 1, outcome: 'sent', at: new Date('2026-12-06T09:00:00Z') }],
    }));
    const entry = buildTimeline(workflowId, history, ledger).find((e) => e.eventId === Number(scheduled.eventId))!;
    const subjects = sendings.flatMap(({ notices }) => notices.map((n) => `« ${renderNotice(n.content).subject} »`));
    expect(entry.what).toBe(`Courriels ${subjects.join(', ')} à ${lines.length} destinataires`);
    expect(entry.mails?.map((m) => m.recipient)).toEqual(lines.map((l) => l.to));
  });

  it('a notice sent as facts is named by the subject the mail activity words it with', () => {
    const { workflowId, history, raw } = recorded('a-retravailler-notices-as-facts');
    const mails = raw.events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'sendNotification',
    );
    const inputs = mails.map((mail) => argOf(mail.activityTaskScheduledEventAttributes));
    expect(inputs[0]).toMatchObject({ notice: { topic: 'fiche', kind: 'submitted' } });
    expect(inputs[0]).not.toHaveProperty('subject');
    const timeline = buildTimeline(workflowId, history);
    const what = (i: number) => timeline.find((e) => e.eventId === Number(mails[i]!.eventId))!.what;
    expect(what(0)).toMatch(
      /^Courriel « (Votre fiche FA-\d{4}-\d+ est soumise|Fiche FA-\d{4}-\d+ soumise au COTECH) » à /,
    );
    for (const [i, input] of inputs.entries())
      expect(what(i)).toBe(`Courriel « ${renderNotice(input.notice).subject} » à ${input.to}`);
  });

  it(
    'a meeting rescheduled then cancelled: the new date, the ' +
      'convocations by their kind and ledger key, the signals to the fiche',
    () => {
      const { workflowId, history, raw } = recorded('meeting-rescheduled-then-cancelled');
      const convocation = raw.events.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'sendMeetingMail',
      )!;
      const request = argOf(convocation.activityTaskScheduledEventAttributes);
      const ledger: LedgerLine[] = [
        {
          idempotencyKey: `${workflowId}:${request.occasion}:${request.recipient}`,
          recipient: request.recipient,
          subject: 'Convocation : COTECH',
          attempts: [{ attempt: 1, outcome: 'sent', at: new Date('2026-11-28T17:16:17Z') }],
        },
      ];
      const timeline = buildTimeline(workflowId, history, ledger);

      expect(timeline.find((e) => e.eventId === Number(convocation.eventId))).toMatchObject({
        kind: 'mail',
        what: `Convocation à ${request.recipient}`,
        mails: [{ subject: 'Convocation : COTECH' }],
      });
      const updates = timeline.filter((e) => e.kind === 'update');
      expect(updates.map((e) => e.what)).toEqual([
        expect.stringMatching(/^Report de la réunion au mardi 15 décembre 2026 à \d\d h \d\d$/),
        'Annulation de la réunion (motif : Fin du scénario)',
      ]);
      expect(updates.every((e) => e.who === 'assistante.education@example.org' && e.outcome === 'fait')).toBe(true);
      expect(timeline.filter((e) => e.kind === 'signal').map((e) => e.what)).toEqual(
        Array(3).fill(`Signal au processus ${workflowId}-fiche : Réunion programmée (COTECH)`),
      );
      expect(timeline.find((e) => e.kind === 'timer' && e.outcome.startsWith('échue le '))).toBeDefined();
    },
  );

  it(
    'a date poll whose tie is broken: the voters, the ' + 'organiser, and the meeting it starts as a child workflow',
    () => {
      const { workflowId, history } = recorded('date-poll-tie-broken');
      const timeline = buildTimeline(workflowId, history);
      expect(timeline[0]).toMatchObject({
        who: 'directrice.education@example.org',
        what: 'Début : Sondage de date « COTECH (replay du sondage) »',
      });
      expect(timeline.filter((e) => e.kind === 'update').map((e) => `${e.who} — ${e.what}`)).toEqual([
        'assistante.education@example.org — Réponse au sondage',
        'direction.aide-domicile@example.org — Réponse au sondage',
        'directrice.education@example.org — Clôture',
        'directrice.education@example.org — Choix de la date entre les ex aequo',
      ]);
      expect(timeline.find((e) => e.kind === 'child')).toMatchObject({
        what: expect.stringMatching(/^Lancement du processus Réunion \(meeting-[0-9a-f-]+\)$/),
        outcome: 'en cours',
      });
    },
  );

  it(
    'the convention’s cycle, recorded while it waits: the ' +
      'prolongation by whom and until when, the wait still running',
    () => {
      const { workflowId, history } = recorded('convention-campaign-prolonged');
      const timeline = buildTimeline(workflowId, history);
      expect(timeline.filter((e) => e.kind === 'update').map((e) => `${e.who} — ${e.what}`)).toEqual([
        expect.stringMatching(
          new RegExp(
            String.raw`^directrice\.education@example\.org — Prolongation de la ` +
              String.raw`convention par avenant jusqu’au \S+ \d{1,2}(er)? \S+ \d{4}$`,
          ),
        ),
      ]);
      expect(timeline.at(-1)).toMatchObject({ kind: 'timer', outcome: 'en cours' });
    },
  );
});

describe('buildTimeline on what the recordings do not hold', () => {
  const payload = (value: unknown) => ({
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from(JSON.stringify(value)).toString('base64'),
  });
  const at = (second: number) => `2026-06-16T12:00:${String(second).padStart(2, '0')}Z`;
  const history = historyFromJSON({
    events: [
      {
        eventId: '1',
        eventTime: at(0),
        eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
        workflowExecutionStartedEventAttributes: {
          workflowType: { name: 'calendarYearWorkflow' },
          taskQueue: { name: 'q' },
          input: { payloads: [payload({ conventionId: 'c', year: 2026 })] },
        },
      },
      {
        eventId: '5',
        eventTime: at(1),
        eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
        activityTaskScheduledEventAttributes: {
          activityId: '1',
          activityType: { name: 'loadCalendarYear' },
          input: { payloads: [payload({ conventionId: 'c', year: 2026 })] },
        },
      },
      {
        eventId: '6',
        eventTime: at(2),
        eventType: 'EVENT_TYPE_ACTIVITY_TASK_STARTED',
        activityTaskStartedEventAttributes: { scheduledEventId: '5', attempt: 3 },
      },
      {
        eventId: '7',
        eventTime: at(3),
        eventType: 'EVENT_TYPE_ACTIVITY_TASK_FAILED',
        activityTaskFailedEventAttributes: {
          scheduledEventId: '5',
          startedEventId: '6',
          failure: { message: 'base injoignable' },
        },
      },
      {
        eventId: '8',
        eventTime: at(4),
        eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
        workflowExecutionUpdateAcceptedEventAttributes: {
          protocolInstanceId: 'u1',
          acceptedRequestMessageId: 'm',
          acceptedRequestSequencingEventId: '4',
          acceptedRequest: {
            meta: { updateId: 'u1' },
            input: {
              name: 'moveMilestone',
              args: {
                payloads: [
                  payload({ actor: { email: 'coordination@example.org' }, key: 'copil-1', startDate: '2026-06-20' }),
                ],
              },
            },
          },
        },
      },
      {
        eventId: '9',
        eventTime: at(5),
        eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED',
        workflowExecutionUpdateCompletedEventAttributes: {
          meta: { updateId: 'u1' },
          acceptedEventId: '8',
          outcome: { failure: { message: 'Ce jalon est déjà passé.' } },
        },
      },
      {
        eventId: '10',
        eventTime: at(6),
        eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
        workflowExecutionContinuedAsNewEventAttributes: {
          newExecutionRunId: 'r2',
          workflowType: { name: 'calendarYearWorkflow' },
        },
      },
    ],
  });

  it('an activity failed at its third attempt, a refused update, and continue-as-new', () => {
    const timeline = buildTimeline('calendar-2026', history);
    expect(timeline.map((e) => [e.eventId, e.who, e.what, e.outcome, e.failed])).toEqual([
      [1, SYSTEM_ACTOR, 'Début : Calendrier annuel', 'lancé', false],
      [5, SYSTEM_ACTOR, 'Lecture du calendrier de l’année', 'échec : base injoignable', true],
      [8, 'coordination@example.org', 'Déplacement d’un jalon', 'refusé : Ce jalon est déjà passé.', true],
      [
        10,
        SYSTEM_ACTOR,
        'Suite dans une nouvelle exécution (l’historique repart de zéro, l’état est conservé)',
        'fait',
        false,
      ],
    ]);
    expect(timeline[0]!.when).toBe('mardi 16 juin 2026 à 14 h 00');
  });
});

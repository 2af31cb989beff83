import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { locateIssues } from '../../cli/convention.js';
import { REFERENCE_CHARTER } from '../../domain/charter.js';
import { jsonValueLocations, locateField } from '../../domain/json-locations.js';
import { pendingStep } from '../../domain/lifecycle/pending-step.js';
import { allowedActions, check } from '../../domain/lifecycle/rules.js';
import { apply } from '../../domain/lifecycle/transitions.js';
import {
  implementationStart,
  importedLifecycle,
  importedVersionState,
  parseRunningConvention,
  type ImportedFiche,
} from '../../domain/running-convention.js';
import { domainError } from '../helpers/domain-error.js';

const NOW = '2026-12-04T10:00:00.000Z';
const FILE_TEXT = readFileSync(new URL('../fixtures/imports/running-convention.json', import.meta.url), 'utf8');
const FILE = JSON.parse(FILE_TEXT) as { fiches: object[]; meetings: object[] };
const RECORD = { by: 'admin@example.org', at: NOW };
const secretary = {
  email: 'cotech@example.org',
  appRole: 'secretaire_instance' as const,
  instanceRoles: { cotech: ['secretaire' as const] },
};

/** The file with one fiche replaced by `fiche` (the others kept). */
const withFiche = (index: number, fiche: object) => ({
  ...FILE,
  fiches: FILE.fiches.map((f, i) => (i === index ? fiche : f)),
});
const issuesOf = (input: unknown) => domainError(() => parseRunningConvention(input, NOW)).issues ?? [];

describe('reading a running convention', () => {
  it('reads the example file: dates through readInstant (Paris when no offset), texts trimmed', () => {
    const file = parseRunningConvention(FILE, NOW);
    expect(file.meetings[1]!.startsAt).toBe('2024-03-14T08:30:00.000Z');
    expect(file.fiches.map((f) => f.stage)).toEqual(['soumise', 'attente_copil', 'en_oeuvre']);
    expect(file.fiches[0]!.decisions).toEqual([]);
  });

  it('lists every shape error with its JSON path, in French, and locates each on its line', () => {
    const bad = {
      format: 'concerto.running-convention',
      version: 1,
      meetings: [{ key: 'cotech-1', instance: 'cotech', title: 'COTECH', startsAt: '2024-02-30T14:00' }],
      fiches: [
        {
          authorEmail: 'pas-une-adresse',
          stage: 'en_attente',
          versions: [{ version: 1, title: 'Fiche\u0000' }],
        },
      ],
    };
    const text = JSON.stringify(bad, null, 2);
    const error = domainError(() => parseRunningConvention(JSON.parse(text), NOW));
    expect(error.code).toBe('INVALID_INPUT');
    const fields = (error.issues ?? []).map((issue) => issue.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'meetings.0.startsAt',
        'fiches.0.authorEmail',
        'fiches.0.stage',
        'fiches.0.versions.0.title',
      ]),
    );
    const startsAt = error.issues!.find((issue) => issue.field === 'meetings.0.startsAt')!;
    expect(startsAt.message).toContain('le 30 février 2024 n’existe pas');
    expect(error.issues!.find((issue) => issue.field === 'fiches.0.stage')!.message).toMatch(/Stade de la fiche/);
    expect(error.issues!.find((issue) => issue.field === 'fiches.0.versions.0.title')!.message).toMatch(/interdit/);
    const locations = jsonValueLocations(text);
    const lines = lineOf(text);
    expect(locateField(locations, 'meetings.0.startsAt')!.line).toBe(lines('"startsAt"'));
    expect(locateField(locations, 'fiches.0.stage')!.line).toBe(lines('"stage"'));
  });

  it('names each problem by its line in the file for the CLI', () => {
    const text = FILE_TEXT.replace('"stage": "en_oeuvre"', '"stage": "soumise"');
    const issues = issuesOf(JSON.parse(text));
    const line = lineOf(text)('"stage": "soumise",\n      "versionInForce"');
    expect(locateIssues(text, issues)).toContainEqual({
      field: `ligne ${line + 1}, fiches.2.versionInForce`,
      message: expect.stringMatching(/n’a pas de version en vigueur/),
    });
  });

  it('refuses impossible combinations, each at its path', () => {
    const en = FILE.fiches[2] as ImportedFiche;
    const cases: Array<[object, string, RegExp]> = [
      [{ ...en, versionInForce: undefined }, 'fiches.2.versionInForce', /a une version en vigueur/],
      [{ ...FILE.fiches[0], versionInForce: 1 }, 'fiches.0.versionInForce', /n’a pas de version en vigueur/],
      [{ ...en, amendment: { ...en.amendment, version: 1 } }, 'fiches.2.amendment.version', /plus grand/],
      [{ ...en, versionInForce: 3 }, 'fiches.2.versionInForce', /pas dans « versions »/],
      [{ ...FILE.fiches[0], partnerOpinions: { msa: 'reserve' } }, 'fiches.0.partnerOpinions', /attente du COPIL/],
      [
        {
          ...FILE.fiches[1],
          decisions: [{ body: 'copil', version: 1, outcome: 'favorable', date: '2024-03-14T10:00' }],
        },
        'fiches.1.decisions.0.outcome',
        /« adoptee », « ajournee », « rejetee »/,
      ],
      [
        {
          ...FILE.fiches[1],
          decisions: [{ body: 'cotech', version: 1, outcome: 'a_retravailler', date: '2024-03-05' }],
        },
        'fiches.1.decisions.0.date',
        /date et une heure/,
      ],
      [
        {
          ...FILE.fiches[1],
          decisions: [{ body: 'cotech', version: 1, outcome: 'a_retravailler', date: '2024-03-05T15:00' }],
        },
        'fiches.1.decisions.0',
        /ne laisse pas la version en attente de la décision du COPIL/,
      ],
      [
        {
          ...en,
          decisions: [{ body: 'bureau_communautaire', version: 1, outcome: 'refusee', date: '2024-04-08T19:00' }],
        },
        'fiches.2.decisions.0',
        /en vigueur/,
      ],
      [
        {
          ...FILE.fiches[1],
          decisions: [{ body: 'cotech', version: 1, outcome: 'favorable', date: '2099-01-01T10:00' }],
        },
        'fiches.1.decisions.0.date',
        /à venir/,
      ],
      [
        {
          ...FILE.fiches[1],
          decisions: [
            { body: 'cotech', version: 1, outcome: 'favorable', date: '2024-03-05T15:00', meeting: 'nulle-part' },
          ],
        },
        'fiches.1.decisions.0.meeting',
        /Aucune réunion « nulle-part »/,
      ],
    ];
    for (const [fiche, field, message] of cases) {
      const issues = issuesOf(withFiche(fiche === en ? 2 : Number(/fiches\.(\d)/.exec(field)![1]), fiche));
      expect(issues, field).toContainEqual({ field, message: expect.stringMatching(message) });
    }
  });

  it('reports several problems at once, each prefixed by its path in the summary', () => {
    const error = domainError(() =>
      parseRunningConvention(
        {
          ...FILE,
          fiches: [FILE.fiches[0], { ...FILE.fiches[0], stage: 'cloturee' }],
          meetings: [...FILE.meetings, { ...FILE.meetings[0], startsAt: '2099-03-05T14:00' }],
        },
        NOW,
      ),
    );
    expect(error.issues!.map((issue) => issue.field)).toEqual([
      'meetings.3.key',
      'meetings.3.startsAt',
      // Its end stayed in 2024, before the start moved to 2099.
      'meetings.3.endsAt',
      'fiches.1.code',
      'fiches.1.versionInForce',
    ]);
    expect(error.message).toMatch(
      /^Le fichier de la convention en cours comporte 5 erreurs à corriger : 1\) meetings\.3\.key : /,
    );
  });
});

describe('the lifecycle of an imported fiche', () => {
  const fiches = parseRunningConvention(FILE, NOW).fiches;

  it('starts a soumise fiche where the COTECH gives its avis, then follows the same rules', () => {
    const state = importedLifecycle(fiches[0]!, RECORD);
    expect(state).toMatchObject({ stage: 'soumise', versionInForce: null, latestVersion: 1, history: [] });
    expect(pendingStep(state)).toMatchObject({ instanceKind: 'cotech', version: 1 });
    expect(allowedActions(state, REFERENCE_CHARTER)).toEqual(['recordAvis', 'withdraw']);
    const action = { kind: 'recordAvis' as const, actor: secretary, outcome: 'favorable' as const };
    check(state, action, REFERENCE_CHARTER, NOW);
    expect(apply(state, action, NOW)).toMatchObject({
      stage: 'attente_copil',
      review: { avis: { outcome: 'favorable' } },
    });
  });

  it('carries the COTECH’s avis, its comment and a partner’s opinion to a fiche awaiting the COPIL', () => {
    const state = importedLifecycle(fiches[1]!, RECORD);
    expect(state.review).toMatchObject({
      version: 1,
      stage: 'attente_copil',
      avis: {
        outcome: 'favorable',
        at: '2024-03-05T14:10:00.000Z',
        by: RECORD.by,
        comment: 'Cohérent avec l’enjeu 2.',
      },
      partnerOpinions: { caf: { opinion: 'favorable', by: RECORD.by, at: NOW } },
      comments: [{ from: 'cotech', outcome: 'favorable', text: 'Cohérent avec l’enjeu 2.' }],
    });
    expect(state.history).toEqual([
      {
        action: 'recordAvis',
        by: RECORD.by,
        at: '2024-03-05T14:10:00.000Z',
        version: 1,
        outcome: 'favorable',
        comment: 'Cohérent avec l’enjeu 2.',
      },
    ]);
    // The MSA's opinion is still missing: the COPIL cannot decide yet.
    expect(pendingStep(state)?.missingPartnerOpinions).toEqual(['msa']);
    expect(allowedActions(state)).not.toContain('recordCopilDecision');
  });

  it('keeps the version in force of a fiche en œuvre while its amendment is reviewed', () => {
    const fiche = fiches[2]!;
    const state = importedLifecycle(fiche, RECORD);
    expect(state).toMatchObject({
      stage: 'en_oeuvre',
      versionInForce: 1,
      latestVersion: 2,
      review: { version: 2, stage: 'soumise', amendmentSummary: 'Un second site à Melle' },
    });
    expect(state.history.map((h) => [h.action, h.outcome])).toEqual([
      ['recordAvis', 'favorable'],
      ['recordCopilDecision', 'adoptee'],
      ['recordBureauValidation', 'validee'],
    ]);
    expect(implementationStart(fiche)).toBe('2024-04-08T16:45:00.000Z');
    expect([1, 2].map((v) => importedVersionState(fiche, v))).toEqual(['en_vigueur', 'proposee']);
    expect(pendingStep(state)).toMatchObject({ instanceKind: 'cotech', version: 2 });
  });
});

/** The line (from 1) of the first occurrence of `needle` in `text`. */
function lineOf(text: string): (needle: string) => number {
  return (needle) => text.slice(0, text.indexOf(needle)).split('\n').length;
}

/**
 * The rétroplanning picture (documents/retroplanning/retroplanning-svg.ts): its layout, read from
 * layoutRetroplanning, and the SVG read back by a real XML parser. A golden file pins the sample's
 * bytes; after a deliberate change write it again with
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/retroplanning-svg.test.ts
 * and look at the new picture before committing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PLOT_LEFT,
  PLOT_RIGHT,
  TODAY_COLOUR,
  estimateTextWidth,
  layoutRetroplanning,
  parsePeriodKey,
  retroplanningSvg,
  shortInstanceName,
  wrapText,
  type RetroplanningInput,
  type RetroplanningMilestone,
} from '../../documents/retroplanning/retroplanning-svg.js';
import { DomainError } from '../../domain/errors.js';
import { shiftDate } from '../../domain/paris-time.js';
import { LANES, SAMPLE, day } from '../helpers/retroplanning.js';
import { byClass, findAll, parseXml, type XmlNode } from '../helpers/svg-dom.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/svg/retroplanning-sample.svg', import.meta.url));

const MONTHS = [
  'Janvier',
  'Février',
  'Mars',
  'Avril',
  'Mai',
  'Juin',
  'Juillet',
  'Août',
  'Septembre',
  'Octobre',
  'Novembre',
  'Décembre',
];

const year2024 = (extra: Partial<RetroplanningInput> = {}): RetroplanningInput => ({
  year: 2024,
  title: 'Rétroplanning 2024',
  lanes: LANES,
  meetings: [],
  milestones: [],
  ...extra,
});

const span = (from: string, to: string, extra: Partial<RetroplanningInput> = {}): RetroplanningInput => {
  const input: Record<string, unknown> = { ...year2024(extra), from: day(from), to: day(to) };
  delete input.year;
  return input as RetroplanningInput;
};

function rootOf(svg: string): XmlNode {
  const root = parseXml(svg);
  expect(root.name).toBe('svg');
  return root;
}

describe('retroplanningSvg', () => {
  it('writes the same bytes for the same input, whatever the order of its lists, as the golden file holds them', () => {
    const svg = retroplanningSvg(SAMPLE);
    const shuffled = {
      ...SAMPLE,
      meetings: [...SAMPLE.meetings].reverse(),
      milestones: [...SAMPLE.milestones].reverse(),
    };
    expect(retroplanningSvg(structuredClone(shuffled))).toBe(svg);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, svg);
    expect(svg).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it(
    'is well-formed XML, accessible: role img, a title and ' + 'a desc it is labelled by, real text in a generic font',
    () => {
      const root = rootOf(retroplanningSvg(SAMPLE));
      expect(root.attrs).toMatchObject({
        xmlns: 'http://www.w3.org/2000/svg',
        role: 'img',
        'font-family': 'sans-serif',
        'xml:lang': 'fr',
      });
      expect(root.attrs.viewBox).toBe(`0 0 ${root.attrs.width} ${root.attrs.height}`);
      const [title, desc] = root.children;
      expect(title).toMatchObject({ name: 'title', text: 'Rétroplanning 2024-2025 — « essai » & <test>' });
      expect(desc?.name).toBe('desc');
      for (const id of root.attrs['aria-labelledby']!.split(' '))
        expect(findAll(root, (node) => node.attrs.id === id)).toHaveLength(1);
      // Text is text: every month name and label is a <text>, none drawn as a path.
      const texts = findAll(root, (node) => node.name === 'text').map((node) => node.text);
      expect(texts).toContain('Rétroplanning 2024-2025 — « essai » & <test>');
      expect(texts).toContain('Juin');
      expect(findAll(root, (node) => node.name === 'path').every((node) => node.attrs.d!.length < 40)).toBe(true);
      expect(findAll(root, (node) => ['script', 'foreignObject', 'image', 'style'].includes(node.name))).toEqual([]);
    },
  );

  it('says in its desc every milestone and every meeting in the period, by instance', () => {
    const desc = rootOf(retroplanningSvg(SAMPLE)).children[1]!.text;
    expect(desc).toContain('du dimanche 1er septembre 2024 au dimanche 31 août 2025');
    for (const milestone of SAMPLE.milestones) expect(desc).toContain(milestone.title);
    expect(desc).toContain('Comité de pilotage partenarial (COPIL) : COPIL de juin, le mardi 17 juin 2025, convoquée.');
    expect(desc).toContain('COTECH reporté, le jeudi 15 mai 2025, annulée');
    expect(desc).not.toContain('hors période');
    expect(desc).toContain('Aujourd’hui : jeudi 5 juin 2025.');
    expect(desc).toContain('Vacances scolaires (zone A)');
  });

  it('escapes every text and drops what XML forbids: hostile titles stay text', () => {
    const hostile = 'A <script>alert("x")</script> & \'b\' \u0001\u0008 \uD800 ]]> fin';
    const svg = retroplanningSvg(
      year2024({
        title: hostile,
        lanes: [{ id: 'x"><script>', kind: 'gtt', name: hostile }],
        meetings: [{ lane: 'x"><script>', date: day('2024-03-12'), title: hostile, status: 'tenue' }],
        milestones: [{ date: day('2024-03-12'), title: hostile }],
      }),
    );
    const root = rootOf(svg);
    expect(findAll(root, (node) => node.name === 'script')).toEqual([]);
    expect(root.children[0]!.text).toBe('A <script>alert("x")</script> & \'b\' ]]> fin');
    expect(byClass(root, 'meeting')[0]!.attrs['data-lane']).toBe('x"><script>');
    expect([...svg].some((char) => char.charCodeAt(0) < 9)).toBe(false);
  });

  it('draws the months as columns with their French names, the year under the first and under January', () => {
    const layout = layoutRetroplanning(year2024());
    expect(layout.months.map((month) => month.label)).toEqual(MONTHS);
    expect(layout.months[0]).toMatchObject({ x: PLOT_LEFT, yearLabel: '2024' });
    expect(layout.months.filter((month) => month.yearLabel)).toHaveLength(1);
    const last = layout.months.at(-1)!;
    expect(last.x + last.width).toBeCloseTo(PLOT_RIGHT, 1);
    // Column widths follow the days: February 2024 has 29 of 366.
    expect(layout.months[1]!.width).toBeCloseTo(((PLOT_RIGHT - PLOT_LEFT) * 29) / 366, 1);

    const school = layoutRetroplanning(SAMPLE);
    expect(school.months.map((month) => month.label)).toEqual([...MONTHS.slice(8), ...MONTHS.slice(0, 8)]);
    expect(school.months.filter((month) => month.yearLabel).map((month) => month.yearLabel)).toEqual(['2024', '2025']);

    const root = rootOf(retroplanningSvg(SAMPLE));
    const headers = byClass(root, 'month').map((group) => findAll(group, (node) => node.name === 'text')[0]!.text);
    expect(headers).toEqual([...MONTHS.slice(8), ...MONTHS.slice(0, 8)]);
  });

  it('abbreviates a month whose column is too narrow for its name, the French way', () => {
    const layout = layoutRetroplanning(span('2023-01-01', '2024-12-31'));
    expect(layout.months).toHaveLength(24);
    expect(layout.months.map((month) => month.label)).toContain('sept.');
    for (const month of layout.months) expect(estimateTextWidth(month.label, 12)).toBeLessThanOrEqual(month.width);
  });

  it('puts the today marker at the centre of today’s column, and none when today is outside the period', () => {
    const today = day('2024-06-05');
    const layout = layoutRetroplanning(year2024({ today }));
    // 5 June 2024 is day 157 of 366: its centre is 156.5 days from the left edge.
    const expected = PLOT_LEFT + (156.5 * (PLOT_RIGHT - PLOT_LEFT)) / 366;
    expect(layout.todayX).toBeCloseTo(expected, 1);
    const marker = byClass(rootOf(retroplanningSvg(year2024({ today }))), 'today')[0]!;
    expect(marker.attrs['data-date']).toBe('2024-06-05');
    const line = marker.children.find((node) => node.name === 'rect')!;
    expect(Number(line.attrs.x) + Number(line.attrs.width) / 2).toBeCloseTo(expected, 1);
    expect(line.attrs.fill).toBe(TODAY_COLOUR);
    expect(marker.children.find((node) => node.name === 'text')!.text).toBe('Aujourd’hui, 5 juin 2024');

    expect(layoutRetroplanning(year2024({ today: day('2024-01-01') })).todayX).toBeCloseTo(
      PLOT_LEFT + (0.5 * (PLOT_RIGHT - PLOT_LEFT)) / 366,
      1,
    );
    expect(layoutRetroplanning(year2024({ today: day('2025-01-01') })).todayX).toBeUndefined();
    expect(byClass(rootOf(retroplanningSvg(year2024({ today: day('2025-01-01') }))), 'today')).toEqual([]);
  });

  it('staggers milestones whose labels would overlap into rows, and keeps the others on the first row', () => {
    const long =
      'Réunion partenariale : présentation de la CTG et constitution du groupe d’élaboration du plan d’actions';
    const layout = layoutRetroplanning(
      year2024({
        milestones: [
          { date: day('2024-01-19'), title: long },
          { date: day('2024-01-22'), title: 'Lancement de l’évaluation du PEDT' },
          { date: day('2024-01-25'), title: 'Troisième jalon tout près' },
          { date: day('2024-09-01'), endDate: day('2024-09-30'), title: 'Début des groupes de travail thématiques' },
        ],
      }),
    );
    const rows = Object.fromEntries(layout.milestones.map((box) => [box.milestone.title, box.row]));
    expect(rows[long]).toBe(0);
    expect(rows['Lancement de l’évaluation du PEDT']).toBe(1);
    expect(rows['Troisième jalon tout près']).toBe(2);
    expect(rows['Début des groupes de travail thématiques']).toBe(0);
    expect(layout.bandBottom - layout.bandTop).toBeGreaterThan(3 * 40);
    // The long title is wrapped on two lines, the rest cut with an ellipsis.
    const first = layout.milestones.find((box) => box.milestone.title === long)!;
    expect(first.lines).toHaveLength(2);
    expect(first.lines[0]).toMatch(/^19\/01 : Réunion partenariale/);
    expect(first.lines[1]).toMatch(/…$/);

    const root = rootOf(retroplanningSvg(year2024({ milestones: layout.milestones.map((box) => box.milestone) })));
    expect(byClass(root, 'milestone').map((group) => group.attrs['data-row'])).toEqual(['0', '1', '2', '0']);
  });

  it('never lets two milestones of one row touch, nor a label leave the plot (property)', () => {
    const milestone = fc
      .record({
        start: fc.integer({ min: 0, max: 365 }),
        length: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 120 })),
        words: fc.array(
          fc.constantFrom('COPIL', 'plan', 'd’actions', 'évaluation', 'GTT', 'Mellois', 'WWW', 'i', 'bureau'),
          { minLength: 1, maxLength: 30 },
        ),
      })
      .map(({ start, length, words }): RetroplanningMilestone => {
        const date = shiftDate(day('2024-01-01'), start);
        return { date, ...(length > 0 ? { endDate: shiftDate(date, length) } : {}), title: words.join(' ') };
      });
    fc.assert(
      fc.property(fc.array(milestone, { maxLength: 25 }), (milestones) => {
        const layout = layoutRetroplanning(year2024({ milestones }));
        expect(layout.milestones).toHaveLength(milestones.length);
        for (const box of layout.milestones) {
          expect(box.labelLeft).toBeGreaterThanOrEqual(PLOT_LEFT);
          for (const line of box.lines)
            expect(box.labelLeft + estimateTextWidth(line, 11)).toBeLessThanOrEqual(PLOT_RIGHT + 0.01);
          expect(box.left).toBeLessThanOrEqual(box.markerLeft);
          expect(box.right).toBeGreaterThanOrEqual(box.markerRight);
        }
        for (const a of layout.milestones) {
          for (const b of layout.milestones) {
            if (a === b || a.row !== b.row) continue;
            expect(a.right + 10 <= b.left || b.right + 10 <= a.left).toBe(true);
          }
        }
        // A row is opened only when every row above is taken where the milestone starts.
        for (const box of layout.milestones) {
          for (let row = 0; row < box.row; row++) {
            const blocked = layout.milestones.some(
              (other) => other !== box && other.row === row && other.left <= box.left && other.right + 10 > box.left,
            );
            expect(blocked).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('draws each meeting in its instance’s lane; a cancelled one grey and struck, a planned one hollow', () => {
    const layout = layoutRetroplanning(SAMPLE);
    const lanes = Object.fromEntries(layout.lanes.map((lane) => [lane.lane.id, lane.y]));
    for (const mark of layout.meetings) {
      expect(mark.y).toBeGreaterThan(lanes[mark.meeting.lane]!);
      expect(mark.y).toBeLessThan(lanes[mark.meeting.lane]! + 40);
    }
    expect(layout.meetings.map((mark) => mark.meeting.title)).not.toContain('hors période');

    const root = rootOf(retroplanningSvg(SAMPLE));
    const meetings = byClass(root, 'meeting');
    expect(
      meetings.map((group) => `${group.attrs['data-lane']} ${group.attrs['data-date']} ${group.attrs['data-status']}`),
    ).toEqual([
      'bureau-communautaire 2025-01-27 tenue',
      'copil 2025-06-17 convoquee',
      'cotech 2025-05-13 tenue',
      'cotech 2025-05-15 annulee',
      'gtt-1 2024-11-19 planifiee',
    ]);
    const cancelled = meetings.find((group) => group.attrs['data-status'] === 'annulee')!;
    expect(cancelled.children.find((node) => node.name === 'circle')!.attrs).toMatchObject({
      fill: '#FFFFFF',
      stroke: '#9E9E9E',
    });
    expect(cancelled.children.some((node) => node.name === 'line')).toBe(true);
    expect(cancelled.children[0]).toMatchObject({
      name: 'title',
      text: 'COTECH reporté — Comité technique partenarial (COTECH), jeudi 15 mai 2025 (annulée)',
    });
    // Two days after the other COTECH: its day number would touch the first one's, so it is left out.
    expect(cancelled.children.some((node) => node.name === 'text')).toBe(false);
    const planned = meetings.find((group) => group.attrs['data-status'] === 'planifiee')!;
    expect(planned.children.find((node) => node.name === 'circle')!.attrs.fill).toBe('#FFFFFF');
    const held = meetings.find((group) => group.attrs['data-status'] === 'tenue')!;
    expect(held.children.find((node) => node.name === 'text')!.text).toBe('27');
  });

  it('shades the zone’s school holidays and ticks public holidays', () => {
    const layout = layoutRetroplanning(year2024({ zone: 'A' }));
    const winter = layout.schoolHolidays.find((holiday) => holiday.name === 'Vacances d’hiver (zone A)')!;
    expect(winter).toMatchObject({ from: day('2024-02-17'), until: day('2024-03-04') });
    const perDay = (PLOT_RIGHT - PLOT_LEFT) / 366;
    expect(winter.x).toBeCloseTo(PLOT_LEFT + 47 * perDay, 1);
    expect(winter.width).toBeCloseTo(16 * perDay, 1);
    expect(layout.schoolHolidaysComplete).toBe(true);
    expect(layoutRetroplanning(year2024()).schoolHolidays).toEqual([]);

    expect(layout.publicHolidays).toHaveLength(11);
    expect(layout.publicHolidays.find((holiday) => holiday.name === 'Lundi de Pâques')!.date).toEqual(
      day('2024-04-01'),
    );
    const ticks = byClass(rootOf(retroplanningSvg(year2024({ zone: 'A' }))), 'public-holiday');
    expect(ticks.map((tick) => tick.attrs['data-date'])).toContain('2024-05-08');

    // Before the data's first school year: no shading there, and the desc says so.
    const early = layoutRetroplanning(span('2022-01-01', '2022-12-31', { zone: 'A' }));
    expect(early.schoolHolidaysComplete).toBe(false);
    expect(early.schoolHolidays.every((holiday) => holiday.from.year === 2022 && holiday.from.month >= 10)).toBe(true);
  });

  it('refuses an input it cannot draw, naming the field', () => {
    const field = (input: RetroplanningInput) => {
      try {
        retroplanningSvg(input);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return (error as DomainError).field;
      }
      return 'no error';
    };
    expect(
      field(year2024({ meetings: [{ lane: 'nope', date: day('2024-02-01'), title: 'x', status: 'tenue' }] })),
    ).toBe('meetings.0.lane');
    expect(
      field(
        year2024({ meetings: [{ lane: 'copil', date: day('2024-02-01'), title: 'x', status: 'perdue' as never }] }),
      ),
    ).toBe('meetings.0.status');
    expect(field(year2024({ milestones: [{ date: day('2024-02-01'), endDate: day('2024-01-01'), title: 'x' }] }))).toBe(
      'milestones.0.endDate',
    );
    expect(field(year2024({ milestones: [{ date: { year: 2024, month: 2, day: 30 }, title: 'x' }] }))).toBe(
      'milestones.0.date',
    );
    expect(field(year2024({ milestones: [{ date: day('2024-02-01'), title: 'x', owner: 'nope' }] }))).toBe(
      'milestones.0.owner',
    );
    expect(field(span('2024-02-01', '2024-01-01'))).toBe('to');
    expect(field(span('2020-01-01', '2024-01-01'))).toBe('to');
    expect(field(year2024({ lanes: [LANES[0]!, LANES[0]!] }))).toBe('lanes.1.id');
  });
});

describe('rétroplanning helpers', () => {
  it('reads a calendar year or a school year from an address', () => {
    expect(parsePeriodKey('2024')).toEqual({
      from: day('2024-01-01'),
      to: day('2024-12-31'),
      key: '2024',
      label: '2024',
    });
    expect(parsePeriodKey('2024-2025')).toEqual({
      from: day('2024-09-01'),
      to: day('2025-08-31'),
      key: '2024-2025',
      label: '2024-2025',
    });
    for (const key of ['2024-2026', '24', '2024.svg', '', '0999', '2024-25']) expect(parsePeriodKey(key)).toBeNull();
  });

  it('shortens an instance’s name to its acronym or its first part', () => {
    expect(shortInstanceName('Comité de pilotage partenarial (COPIL)')).toBe('COPIL');
    expect(shortInstanceName('GTT1 — Petite enfance (0-3/6 ans)')).toBe('GTT1');
    expect(shortInstanceName('Bureau communautaire')).toBe('Bureau communautaire');
  });

  it('wraps words into lines no wider than asked, cutting the rest with an ellipsis', () => {
    expect(wrapText('Écriture du plan d’actions', 400, 11, 2)).toEqual(['Écriture du plan d’actions']);
    const lines = wrapText('un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze', 100, 11, 2);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(estimateTextWidth(line, 11)).toBeLessThanOrEqual(100);
    expect(lines[1]).toMatch(/…$/);
    expect(wrapText('Anticonstitutionnellement', 60, 11, 2)[0]).toMatch(/…$/);
  });
});

import type { SchoolYearRecord } from '../school-holidays.js';

/**
 * The school holidays of metropolitan France by zone, one record per school year, as the
 * ministère de l'Éducation nationale fixes them by arrêté (published in the Journal officiel).
 * A TypeScript module rather than JSON read from disk, so that the workflow bundle carries it.
 *
 * Conventions, those of the arrêtés' tables:
 * - `start` is the arrêté's « fin des cours » day, after class: a Saturday, the first day off for
 *   the pupils who have no class on Saturday morning;
 * - `end` is the « reprise des cours » day, when classes resume in the morning: not a day off;
 * - the summer runs from the end of classes to the rentrée of the next school year, which is also
 *   the record's `end`; a school year runs from its rentrée (`start`) to the day before `end`.
 * Ponts (the Ascension bridge) and the days a rector moves locally are not recorded.
 *
 * `verified`: true when every date of the year was matched against published copies of the
 * official calendar (press, public-service and open-data relays of the arrêté); false when part of
 * it rests on a single unofficial source or on inference, as its `note` says. Neither kind was
 * read in the Journal officiel itself: check the arrêté before relying on a date, and set
 * `verified` once it is checked.
 *
 * To add a school year: append a record with the arrêté's dates, its title and JORF reference in
 * `source`, its rentrée as `start` and the next rentrée as `end` (the previous record's `end` is its
 * `start`); test/unit/school-holidays.test.ts checks the shape, the zones and the overlaps.
 */
export const SCHOOL_YEARS: readonly SchoolYearRecord[] = deepFreeze([
  {
    schoolYear: '2022-2023',
    source:
      'Arrêté du 7 juillet 2021 fixant le calendrier scolaire de l’année 2022-2023 (JORF n° 160 du 11 juillet 2021)',
    verified: true,
    start: '2022-09-01',
    end: '2023-09-04',
    holidays: [
      { kind: 'toussaint', zones: ['A', 'B', 'C'], start: '2022-10-22', end: '2022-11-07' },
      { kind: 'noel', zones: ['A', 'B', 'C'], start: '2022-12-17', end: '2023-01-03' },
      { kind: 'hiver', zones: ['A'], start: '2023-02-04', end: '2023-02-20' },
      { kind: 'hiver', zones: ['B'], start: '2023-02-11', end: '2023-02-27' },
      { kind: 'hiver', zones: ['C'], start: '2023-02-18', end: '2023-03-06' },
      { kind: 'printemps', zones: ['A'], start: '2023-04-08', end: '2023-04-24' },
      { kind: 'printemps', zones: ['B'], start: '2023-04-15', end: '2023-05-02' },
      { kind: 'printemps', zones: ['C'], start: '2023-04-22', end: '2023-05-09' },
      { kind: 'ete', zones: ['A', 'B', 'C'], start: '2023-07-08', end: '2023-09-04' },
    ],
  },
  {
    schoolYear: '2023-2024',
    source:
      'Arrêté du 7 décembre 2022 fixant le calendrier scolaire des années 2023-2024, ' +
      '2024-2025 et 2025-2026 (NOR MENE2229099A, JORF n° 0284 du 8 décembre 2022)',
    verified: true,
    start: '2023-09-04',
    end: '2024-09-02',
    holidays: [
      { kind: 'toussaint', zones: ['A', 'B', 'C'], start: '2023-10-21', end: '2023-11-06' },
      { kind: 'noel', zones: ['A', 'B', 'C'], start: '2023-12-23', end: '2024-01-08' },
      { kind: 'hiver', zones: ['C'], start: '2024-02-10', end: '2024-02-26' },
      { kind: 'hiver', zones: ['A'], start: '2024-02-17', end: '2024-03-04' },
      { kind: 'hiver', zones: ['B'], start: '2024-02-24', end: '2024-03-11' },
      { kind: 'printemps', zones: ['C'], start: '2024-04-06', end: '2024-04-22' },
      { kind: 'printemps', zones: ['A'], start: '2024-04-13', end: '2024-04-29' },
      { kind: 'printemps', zones: ['B'], start: '2024-04-20', end: '2024-05-06' },
      { kind: 'ete', zones: ['A', 'B', 'C'], start: '2024-07-06', end: '2024-09-02' },
    ],
  },
  {
    schoolYear: '2024-2025',
    source:
      'Arrêté du 7 décembre 2022 fixant le calendrier scolaire des années 2023-2024, ' +
      '2024-2025 et 2025-2026 (NOR MENE2229099A, JORF n° 0284 du 8 décembre 2022)',
    verified: true,
    start: '2024-09-02',
    end: '2025-09-01',
    holidays: [
      { kind: 'toussaint', zones: ['A', 'B', 'C'], start: '2024-10-19', end: '2024-11-04' },
      { kind: 'noel', zones: ['A', 'B', 'C'], start: '2024-12-21', end: '2025-01-06' },
      { kind: 'hiver', zones: ['B'], start: '2025-02-08', end: '2025-02-24' },
      { kind: 'hiver', zones: ['C'], start: '2025-02-15', end: '2025-03-03' },
      { kind: 'hiver', zones: ['A'], start: '2025-02-22', end: '2025-03-10' },
      { kind: 'printemps', zones: ['B'], start: '2025-04-05', end: '2025-04-22' },
      { kind: 'printemps', zones: ['C'], start: '2025-04-12', end: '2025-04-28' },
      { kind: 'printemps', zones: ['A'], start: '2025-04-19', end: '2025-05-05' },
      { kind: 'ete', zones: ['A', 'B', 'C'], start: '2025-07-05', end: '2025-09-01' },
    ],
  },
  {
    schoolYear: '2025-2026',
    source:
      'Arrêté du 7 décembre 2022 fixant le calendrier scolaire des années 2023-2024, ' +
      '2024-2025 et 2025-2026 (NOR MENE2229099A, JORF n° 0284 du 8 décembre 2022)',
    verified: true,
    note: 'La rentrée 2026 (fin des vacances d’été) relève de l’arrêté de l’année 2026-2027.',
    start: '2025-09-01',
    end: '2026-09-01',
    holidays: [
      { kind: 'toussaint', zones: ['A', 'B', 'C'], start: '2025-10-18', end: '2025-11-03' },
      { kind: 'noel', zones: ['A', 'B', 'C'], start: '2025-12-20', end: '2026-01-05' },
      { kind: 'hiver', zones: ['A'], start: '2026-02-07', end: '2026-02-23' },
      { kind: 'hiver', zones: ['B'], start: '2026-02-14', end: '2026-03-02' },
      { kind: 'hiver', zones: ['C'], start: '2026-02-21', end: '2026-03-09' },
      { kind: 'printemps', zones: ['A'], start: '2026-04-04', end: '2026-04-20' },
      { kind: 'printemps', zones: ['B'], start: '2026-04-11', end: '2026-04-27' },
      { kind: 'printemps', zones: ['C'], start: '2026-04-18', end: '2026-05-04' },
      { kind: 'ete', zones: ['A', 'B', 'C'], start: '2026-07-04', end: '2026-09-01' },
    ],
  },
  {
    schoolYear: '2026-2027',
    source:
      'Arrêté fixant le calendrier scolaire de l’année 2026-2027 ' +
      '(JORF, octobre 2025 ; Légifrance JORFTEXT000052416058)',
    verified: false,
    note:
      'Toussaint, Noël, les vacances de la zone C et la fin des cours recoupées avec ' +
      'des copies publiques ; zones A et B données de mémoire, conformes à la ' +
      'rotation des zones ; rentrée 2027 supposée (jeudi 2 septembre, comme en 2021).',
    start: '2026-09-01',
    end: '2027-09-02',
    holidays: [
      { kind: 'toussaint', zones: ['A', 'B', 'C'], start: '2026-10-17', end: '2026-11-02' },
      { kind: 'noel', zones: ['A', 'B', 'C'], start: '2026-12-19', end: '2027-01-04' },
      { kind: 'hiver', zones: ['C'], start: '2027-02-06', end: '2027-02-22' },
      { kind: 'hiver', zones: ['A'], start: '2027-02-13', end: '2027-03-01' },
      { kind: 'hiver', zones: ['B'], start: '2027-02-20', end: '2027-03-08' },
      { kind: 'printemps', zones: ['C'], start: '2027-04-03', end: '2027-04-19' },
      { kind: 'printemps', zones: ['A'], start: '2027-04-10', end: '2027-04-26' },
      { kind: 'printemps', zones: ['B'], start: '2027-04-17', end: '2027-05-03' },
      { kind: 'ete', zones: ['A', 'B', 'C'], start: '2027-07-03', end: '2027-09-02' },
    ],
  },
  {
    schoolYear: '2027-2028',
    source:
      'Arrêté fixant le calendrier scolaire de l’année 2027-2028 (Légifrance ' +
      'JORFTEXT000054457294, d’après des sources tierces ; texte non consulté)',
    verified: false,
    note:
      'Dates d’une seule source non officielle (contribution de données ouvertes, non validée) ; la fin des cours ' +
      'y est le mardi 4 juillet 2028, d’où un premier jour de vacances le 5 ; rentrées 2027 et 2028 supposées.',
    start: '2027-09-02',
    end: '2028-09-04',
    holidays: [
      { kind: 'toussaint', zones: ['A', 'B', 'C'], start: '2027-10-23', end: '2027-11-08' },
      { kind: 'noel', zones: ['A', 'B', 'C'], start: '2027-12-18', end: '2028-01-03' },
      { kind: 'hiver', zones: ['B'], start: '2028-02-05', end: '2028-02-21' },
      { kind: 'hiver', zones: ['C'], start: '2028-02-12', end: '2028-02-28' },
      { kind: 'hiver', zones: ['A'], start: '2028-02-19', end: '2028-03-06' },
      { kind: 'printemps', zones: ['B'], start: '2028-04-08', end: '2028-04-24' },
      { kind: 'printemps', zones: ['C'], start: '2028-04-15', end: '2028-05-02' },
      { kind: 'printemps', zones: ['A'], start: '2028-04-22', end: '2028-05-09' },
      { kind: 'ete', zones: ['A', 'B', 'C'], start: '2028-07-05', end: '2028-09-04' },
    ],
  },
]);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

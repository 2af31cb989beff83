/** A rétroplanning input of every kind of mark, shared by the SVG and PNG tests. */
import type { RetroplanningInput, RetroplanningLane } from '../../documents/retroplanning/retroplanning-svg.js';
import { parseDateKey } from '../../domain/paris-time.js';

export const day = parseDateKey;

export const LANES: RetroplanningLane[] = [
  { id: 'bureau-communautaire', kind: 'bureau_communautaire', name: 'Bureau communautaire' },
  { id: 'copil', kind: 'copil', name: 'Comité de pilotage partenarial (COPIL)' },
  { id: 'cotech', kind: 'cotech', name: 'Comité technique partenarial (COTECH)' },
  { id: 'gtt-1', kind: 'gtt', name: 'GTT1 — Petite enfance (0-3/6 ans)' },
];

/** The school year 2024-2025, zone A, today 5 June 2025. */
export const SAMPLE: RetroplanningInput = {
  from: day('2024-09-01'),
  to: day('2025-08-31'),
  title: 'Rétroplanning 2024-2025 — « essai » & <test>',
  today: day('2025-06-05'),
  zone: 'A',
  lanes: LANES,
  meetings: [
    { lane: 'copil', date: day('2025-06-17'), title: 'COPIL de juin', status: 'convoquee' },
    { lane: 'cotech', date: day('2025-05-13'), title: 'COTECH', status: 'tenue' },
    { lane: 'cotech', date: day('2025-05-15'), title: 'COTECH reporté', status: 'annulee' },
    { lane: 'cotech', date: day('2025-10-07'), title: 'hors période', status: 'planifiee' },
    { lane: 'gtt-1', date: day('2024-11-19'), title: 'GTT petite enfance', status: 'planifiee' },
    { lane: 'bureau-communautaire', date: day('2025-01-27'), title: 'Bureau', status: 'tenue' },
  ],
  milestones: [
    { date: day('2024-09-10'), title: 'Lancement des groupes de travail thématiques', owner: 'cotech', status: 'fait' },
    {
      date: day('2024-09-12'),
      title: 'Comité de rédaction des fiches actions et de leurs indicateurs',
      owner: 'gtt-1',
      status: 'fait',
    },
    { date: day('2024-12-01'), endDate: day('2025-01-31'), title: 'Écriture du plan d’actions', owner: 'copil' },
    {
      date: day('2025-03-01'),
      endDate: day('2025-04-30'),
      title: 'Passage en bureau communautaire',
      owner: 'bureau-communautaire',
      status: 'reporte',
    },
    { date: day('2025-08-25'), title: 'Bilan de l’année, juste avant la fin de la période' },
  ],
};

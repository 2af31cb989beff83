import { STAGE_LABELS } from './lifecycle/labels.js';
import type { Stage } from './lifecycle/vocabulary.js';

/**
 * The plan d'actions as it reads: enjeux → objectifs stratégiques → objectifs opérationnels →
 * fiches, each fiche with its pilote and its current stage. Built from the convention's setup (its
 * enjeux and objectifs) and what each fiche's current version names.
 */

/** A fiche as the plan lists it: its version in force, else its latest one. */
export interface PlanFiche {
  ficheId: string;
  code: string;
  title: string;
  /** The pilote's name (their address when no name is known); null when the version names none. */
  pilote: string | null;
  stage: Stage;
  /** The enjeu's code the version names, and its objectifs' codes (stratégiques or opérationnels). */
  enjeu: string | null;
  objectifs: string[];
}

export interface PlanObjectifSource {
  code: string;
  title: string;
  objectifs?: Array<{ code: string; title: string }>;
}

export interface PlanEnjeuSource {
  code: string;
  title: string;
  objectifs: PlanObjectifSource[];
}

export interface PlanOperationnel {
  code: string;
  title: string;
  fiches: PlanFiche[];
}

export interface PlanStrategique {
  code: string;
  title: string;
  /** Fiches naming this objectif stratégique but none of its objectifs opérationnels. */
  fiches: PlanFiche[];
  operationnels: PlanOperationnel[];
}

export interface PlanEnjeu {
  code: string;
  title: string;
  /** Fiches naming the enjeu but none of its objectifs. */
  fiches: PlanFiche[];
  strategiques: PlanStrategique[];
}

export interface PlanTree {
  enjeux: PlanEnjeu[];
  /** Fiches naming no enjeu of the convention: listed apart, so none is lost from the plan. */
  unplaced: PlanFiche[];
}

/** Fiches that left the chain for good are not part of the plan. */
const OUT_OF_PLAN: readonly Stage[] = ['rejetee', 'refusee', 'retiree'];

/** The fiche's stage in the plan's words. */
export function planFicheStageLabel(stage: Stage): string {
  return STAGE_LABELS[stage];
}

/**
 * Places each fiche under the most precise objectif it names within its enjeu: an objectif
 * opérationnel, else a stratégique one, else the enjeu itself. A fiche naming objectifs under two
 * objectifs stratégiques is listed under each, as a printed plan does. Fiches sorted by code.
 */
export function buildPlanTree(enjeux: readonly PlanEnjeuSource[], fiches: readonly PlanFiche[]): PlanTree {
  const kept = fiches.filter((f) => !OUT_OF_PLAN.includes(f.stage)).sort((a, b) => a.code.localeCompare(b.code));
  const placed = new Set<string>();
  const tree = enjeux.map((enjeu): PlanEnjeu => {
    const mine = kept.filter((f) => f.enjeu === enjeu.code);
    mine.forEach((f) => placed.add(f.ficheId));
    const underObjectif = new Set<string>();
    const strategiques = enjeu.objectifs.map((os): PlanStrategique => {
      const operationnels = (os.objectifs ?? []).map((oo): PlanOperationnel => {
        const these = mine.filter((f) => f.objectifs.includes(oo.code));
        these.forEach((f) => underObjectif.add(f.ficheId));
        return { code: oo.code, title: oo.title, fiches: these };
      });
      const inOperationnel = new Set(operationnels.flatMap((oo) => oo.fiches.map((f) => f.ficheId)));
      const these = mine.filter((f) => f.objectifs.includes(os.code) && !inOperationnel.has(f.ficheId));
      these.forEach((f) => underObjectif.add(f.ficheId));
      return { code: os.code, title: os.title, fiches: these, operationnels };
    });
    return {
      code: enjeu.code,
      title: enjeu.title,
      fiches: mine.filter((f) => !underObjectif.has(f.ficheId)),
      strategiques,
    };
  });
  return { enjeux: tree, unplaced: kept.filter((f) => !placed.has(f.ficheId)) };
}

/** How many fiches the plan holds (each once, however many objectifs it names). */
export function planFicheCount(tree: PlanTree): number {
  const ids = new Set(tree.unplaced.map((f) => f.ficheId));
  for (const enjeu of tree.enjeux) {
    enjeu.fiches.forEach((f) => ids.add(f.ficheId));
    for (const os of enjeu.strategiques) {
      os.fiches.forEach((f) => ids.add(f.ficheId));
      os.operationnels.forEach((oo) => oo.fiches.forEach((f) => ids.add(f.ficheId)));
    }
  }
  return ids.size;
}

import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { checkContentReferences, listFicheVersions, readFicheContent } from './fiche-content.js';
import { findContentChoices } from './find-content-choices.js';
import { findFicheRef } from './find-fiche-ref.js';
import { findFichePage } from './find-fiche-page.js';
import { listCampaignFiches } from './list-campaign-fiches.js';
import { listFichePositions } from './list-fiche-positions.js';
import { listFichesUnderReview } from './list-fiches-under-review.js';
import { listFiches } from './list-fiches.js';
import { recordLifecycleStep } from './record-lifecycle-step.js';
import { resolveFicheAudience, resolveFicheAudiences } from './resolve-audience.js';
import { saveFicheContent } from './save-fiche-content.js';
import { saveFiche } from './save-fiche.js';

/** Fiches actions: their lifecycle steps, content, lists and audiences. */
export function createFicheStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    save: bind(saveFiche),
    recordLifecycleStep: bind(recordLifecycleStep),
    saveContent: bind(saveFicheContent),
    readContent: bind(readFicheContent),
    listVersions: bind(listFicheVersions),
    checkContentReferences: bind(checkContentReferences),
    findRef: bind(findFicheRef),
    findForPage: bind(findFichePage),
    findContentChoices: bind(findContentChoices),
    list: bind(listFiches),
    listPositions: bind(listFichePositions),
    listCampaign: bind(listCampaignFiches),
    listUnderReview: bind(listFichesUnderReview),
    resolveAudience: bind(resolveFicheAudience),
    resolveAudiences: bind(resolveFicheAudiences),
  };
}

export type FicheStore = ReturnType<typeof createFicheStore>;

import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { anonymiseDepartedPeople, findRetentionFacts, setRetentionDays } from './anonymise-departed.js';
import { exportPersonData } from './export-person-data.js';

/** Personal data (RGPD): a person's export, each convention's retention period and anonymisation. */
export function createPrivacyStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    exportPerson: bind(exportPersonData),
    findRetention: bind(findRetentionFacts),
    setRetentionDays: bind(setRetentionDays),
    anonymiseDeparted: bind(anonymiseDepartedPeople),
  };
}

export type PrivacyStore = ReturnType<typeof createPrivacyStore>;

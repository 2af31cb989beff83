import type { PrismaClient } from '../../generated/prisma/client.js';
import { bindTo } from '../database/bind.js';
import { resolveDemoPeople } from './demo-people.js';
import { exportConventionSetup } from './export-convention-setup.js';
import { exportMembersCsv } from './export-members-csv.js';
import { findConventionDates } from './find-convention-dates.js';
import { findConventionSettings } from './find-convention-settings.js';
import { findInstance } from './find-instance.js';
import { findPersonName } from './find-person-name.js';
import { importConventionSetup, previewConventionSetup } from './import-convention-setup.js';
import { importMembersCsv, previewMembersCsv } from './import-members-csv.js';
import { importRunningConvention, previewRunningConvention } from './import-running-convention.js';
import { countConventions, findConventionBySlug, findConventionHeading, listConventions } from './list-conventions.js';
import { listInstanceMembers } from './list-instance-members.js';
import { listInstances } from './list-instances.js';
import { listMilestonesBetween } from './list-milestones-between.js';
import { listWorkingGroups } from './list-working-groups.js';
import { loadCalendarYear } from './load-calendar-year.js';
import { loadDemo } from './load-demo.js';
import { moveMilestone } from './move-milestone.js';
import { recordProlongation } from './record-prolongation.js';
import { resolveConvention } from './resolve-convention.js';
import { findSigningMeeting, loadSignature, proposeAmendment, recordSignatureStep } from './signature-path.js';
import { loadRetroplanning } from './retroplanning.js';
import { findMeetingRules, saveMeetingRules } from './save-meeting-rules.js';

/** Conventions with their instances, people, members, milestones, calendar rules, setup and demo. */
export function createConventionStore(db: PrismaClient) {
  const bind = bindTo(db);
  return {
    list: bind(listConventions),
    count: bind(countConventions),
    findBySlug: bind(findConventionBySlug),
    findHeading: bind(findConventionHeading),
    resolve: bind(resolveConvention),
    findSettings: bind(findConventionSettings),
    findDates: bind(findConventionDates),
    findInstance: bind(findInstance),
    listInstanceMembers: bind(listInstanceMembers),
    listInstances: bind(listInstances),
    listWorkingGroups: bind(listWorkingGroups),
    findPersonName: bind(findPersonName),
    loadCalendarYear: bind(loadCalendarYear),
    findMeetingRules: bind(findMeetingRules),
    saveMeetingRules: bind(saveMeetingRules),
    moveMilestone: bind(moveMilestone),
    listMilestonesBetween: bind(listMilestonesBetween),
    recordProlongation: bind(recordProlongation),
    loadSignature: bind(loadSignature),
    findSigningMeeting: bind(findSigningMeeting),
    recordSignatureStep: bind(recordSignatureStep),
    proposeAmendment: bind(proposeAmendment),
    loadRetroplanning: bind(loadRetroplanning),
    exportSetup: bind(exportConventionSetup),
    importSetup: bind(importConventionSetup),
    previewSetup: bind(previewConventionSetup),
    importRunning: bind(importRunningConvention),
    previewRunning: bind(previewRunningConvention),
    exportMembersCsv: bind(exportMembersCsv),
    importMembersCsv: bind(importMembersCsv),
    previewMembersCsv: bind(previewMembersCsv),
    loadDemo: bind(loadDemo),
    resolveDemoPeople: bind(resolveDemoPeople),
  };
}

export type ConventionStore = ReturnType<typeof createConventionStore>;

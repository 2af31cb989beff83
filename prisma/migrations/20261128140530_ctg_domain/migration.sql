-- DropForeignKey
ALTER TABLE "Decision" DROP CONSTRAINT "Decision_ficheId_fkey";

-- AlterTable
ALTER TABLE "Decision" ADD COLUMN     "instanceId" TEXT,
ADD COLUMN     "meetingId" TEXT,
ADD COLUMN     "version" INTEGER;

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "icalSequence" INTEGER,
ADD COLUMN     "icalUid" TEXT,
ADD COLUMN     "partstat" TEXT,
ADD COLUMN     "workflowId" TEXT;

-- DropTable
DROP TABLE "Fiche";

-- CreateTable
CREATE TABLE "Convention" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "territory" TEXT NOT NULL,
    "startDate" DATE NOT NULL,
    "endDate" DATE NOT NULL,
    "status" TEXT NOT NULL,
    "charter" JSONB NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'Europe/Paris',
    "schoolZone" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Convention_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Signatory" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "structureId" TEXT NOT NULL,
    "signedAt" DATE,

    CONSTRAINT "Signatory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Amendment" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "newEndDate" DATE,
    "signedAt" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Amendment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Enjeu" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,

    CONSTRAINT "Enjeu_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Objectif" (
    "id" TEXT NOT NULL,
    "enjeuId" TEXT NOT NULL,
    "parentId" TEXT,
    "kind" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,

    CONSTRAINT "Objectif_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Structure" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "email" TEXT,
    "address" TEXT,

    CONSTRAINT "Structure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "title" TEXT,
    "phone" TEXT,
    "structureId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Instance" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mission" TEXT,
    "theme" TEXT,
    "quorum" INTEGER,
    "convocationDelayDays" INTEGER,

    CONSTRAINT "Instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "structureId" TEXT,
    "role" TEXT NOT NULL,
    "seat" TEXT NOT NULL DEFAULT 'titulaire',
    "representsInstanceId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FicheAction" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "gttId" TEXT,
    "status" TEXT NOT NULL,
    "workflowId" TEXT,
    "authorEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FicheAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FicheVersion" (
    "id" TEXT NOT NULL,
    "ficheId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "enjeuId" TEXT,
    "piloteId" TEXT,
    "publicVise" TEXT,
    "secteur" TEXT,
    "calendrier" TEXT,
    "budget" JSONB,
    "indicateurs" JSONB,
    "state" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FicheVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Meeting" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "location" TEXT,
    "visioUrl" TEXT,
    "status" TEXT NOT NULL,
    "icalUid" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "workflowId" TEXT,
    "quorumReached" BOOLEAN,
    "minutesFiledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Meeting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "meetingId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'REQ-PARTICIPANT',
    "partstat" TEXT NOT NULL DEFAULT 'NEEDS-ACTION',
    "respondedAt" TIMESTAMP(3),
    "attendance" TEXT,
    "proxyPersonId" TEXT,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgendaItem" (
    "id" TEXT NOT NULL,
    "meetingId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'information',
    "ficheId" TEXT,
    "durationMinutes" INTEGER,

    CONSTRAINT "AgendaItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Milestone" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "startDate" DATE NOT NULL,
    "endDate" DATE,
    "ownerInstance" TEXT,
    "ownerEmail" TEXT,
    "status" TEXT NOT NULL DEFAULT 'a_venir',

    CONSTRAINT "Milestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Poll" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "organizerEmail" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ouvert',
    "deadline" TIMESTAMP(3),
    "chosenOptionId" TEXT,
    "workflowId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Poll_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PollOption" (
    "id" TEXT NOT NULL,
    "pollId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "label" TEXT NOT NULL,
    "capacity" INTEGER,

    CONSTRAINT "PollOption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Vote" (
    "id" TEXT NOT NULL,
    "optionId" TEXT NOT NULL,
    "voterEmail" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "volunteer" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Vote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_FicheObjectifs" (
    "A" TEXT NOT NULL,
    "B" TEXT NOT NULL,

    CONSTRAINT "_FicheObjectifs_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateTable
CREATE TABLE "_FichePartenaires" (
    "A" TEXT NOT NULL,
    "B" TEXT NOT NULL,

    CONSTRAINT "_FichePartenaires_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "Convention_slug_key" ON "Convention"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Signatory_conventionId_structureId_key" ON "Signatory"("conventionId", "structureId");

-- CreateIndex
CREATE UNIQUE INDEX "Amendment_conventionId_number_key" ON "Amendment"("conventionId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Enjeu_conventionId_code_key" ON "Enjeu"("conventionId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "Objectif_enjeuId_code_key" ON "Objectif"("enjeuId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "Structure_slug_key" ON "Structure"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Person_email_key" ON "Person"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Instance_conventionId_slug_key" ON "Instance"("conventionId", "slug");

-- CreateIndex
CREATE INDEX "Membership_personId_idx" ON "Membership"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_instanceId_personId_key" ON "Membership"("instanceId", "personId");

-- CreateIndex
CREATE UNIQUE INDEX "FicheAction_workflowId_key" ON "FicheAction"("workflowId");

-- CreateIndex
CREATE UNIQUE INDEX "FicheAction_conventionId_code_key" ON "FicheAction"("conventionId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "FicheVersion_ficheId_version_key" ON "FicheVersion"("ficheId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "Meeting_icalUid_key" ON "Meeting"("icalUid");

-- CreateIndex
CREATE UNIQUE INDEX "Meeting_workflowId_key" ON "Meeting"("workflowId");

-- CreateIndex
CREATE INDEX "Meeting_instanceId_startsAt_idx" ON "Meeting"("instanceId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_meetingId_personId_key" ON "Invitation"("meetingId", "personId");

-- CreateIndex
CREATE UNIQUE INDEX "AgendaItem_meetingId_position_key" ON "AgendaItem"("meetingId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Milestone_conventionId_key_key" ON "Milestone"("conventionId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Poll_workflowId_key" ON "Poll"("workflowId");

-- CreateIndex
CREATE UNIQUE INDEX "Poll_conventionId_key_key" ON "Poll"("conventionId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "PollOption_pollId_position_key" ON "PollOption"("pollId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Vote_optionId_voterEmail_key" ON "Vote"("optionId", "voterEmail");

-- CreateIndex
CREATE INDEX "_FicheObjectifs_B_index" ON "_FicheObjectifs"("B");

-- CreateIndex
CREATE INDEX "_FichePartenaires_B_index" ON "_FichePartenaires"("B");

-- CreateIndex
CREATE INDEX "Notification_workflowId_idx" ON "Notification"("workflowId");

-- AddForeignKey
ALTER TABLE "Signatory" ADD CONSTRAINT "Signatory_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Signatory" ADD CONSTRAINT "Signatory_structureId_fkey" FOREIGN KEY ("structureId") REFERENCES "Structure"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Amendment" ADD CONSTRAINT "Amendment_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enjeu" ADD CONSTRAINT "Enjeu_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Objectif" ADD CONSTRAINT "Objectif_enjeuId_fkey" FOREIGN KEY ("enjeuId") REFERENCES "Enjeu"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Objectif" ADD CONSTRAINT "Objectif_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Objectif"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_structureId_fkey" FOREIGN KEY ("structureId") REFERENCES "Structure"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Instance" ADD CONSTRAINT "Instance_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_structureId_fkey" FOREIGN KEY ("structureId") REFERENCES "Structure"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_representsInstanceId_fkey" FOREIGN KEY ("representsInstanceId") REFERENCES "Instance"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FicheAction" ADD CONSTRAINT "FicheAction_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FicheAction" ADD CONSTRAINT "FicheAction_gttId_fkey" FOREIGN KEY ("gttId") REFERENCES "Instance"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FicheVersion" ADD CONSTRAINT "FicheVersion_ficheId_fkey" FOREIGN KEY ("ficheId") REFERENCES "FicheAction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FicheVersion" ADD CONSTRAINT "FicheVersion_enjeuId_fkey" FOREIGN KEY ("enjeuId") REFERENCES "Enjeu"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FicheVersion" ADD CONSTRAINT "FicheVersion_piloteId_fkey" FOREIGN KEY ("piloteId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_ficheId_fkey" FOREIGN KEY ("ficheId") REFERENCES "FicheAction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgendaItem" ADD CONSTRAINT "AgendaItem_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgendaItem" ADD CONSTRAINT "AgendaItem_ficheId_fkey" FOREIGN KEY ("ficheId") REFERENCES "FicheAction"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Milestone" ADD CONSTRAINT "Milestone_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Poll" ADD CONSTRAINT "Poll_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PollOption" ADD CONSTRAINT "PollOption_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "Poll"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vote" ADD CONSTRAINT "Vote_optionId_fkey" FOREIGN KEY ("optionId") REFERENCES "PollOption"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_FicheObjectifs" ADD CONSTRAINT "_FicheObjectifs_A_fkey" FOREIGN KEY ("A") REFERENCES "FicheVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_FicheObjectifs" ADD CONSTRAINT "_FicheObjectifs_B_fkey" FOREIGN KEY ("B") REFERENCES "Objectif"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_FichePartenaires" ADD CONSTRAINT "_FichePartenaires_A_fkey" FOREIGN KEY ("A") REFERENCES "FicheVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_FichePartenaires" ADD CONSTRAINT "_FichePartenaires_B_fkey" FOREIGN KEY ("B") REFERENCES "Structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;


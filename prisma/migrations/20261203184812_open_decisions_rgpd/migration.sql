-- AlterTable
ALTER TABLE "Convention" ADD COLUMN     "anonymisedAt" TIMESTAMP(3),
ADD COLUMN     "retentionDays" INTEGER NOT NULL DEFAULT 365;

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "anonymisedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "decisionsPublishedAt" TIMESTAMP(3),
ADD COLUMN     "decisionsPublishedBy" TEXT;


-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "meetingRule" JSONB;


-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "decisionReminderDays" INTEGER,
ADD COLUMN     "escalationDays" INTEGER;


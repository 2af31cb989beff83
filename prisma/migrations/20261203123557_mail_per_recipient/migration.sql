-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "mailRefusal" TEXT,
ADD COLUMN     "mailRefusedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "alertedAt" TIMESTAMP(3),
ADD COLUMN     "bouncedAt" TIMESTAMP(3),
ADD COLUMN     "claimedBy" TEXT,
ADD COLUMN     "leaseUntil" TIMESTAMP(3);


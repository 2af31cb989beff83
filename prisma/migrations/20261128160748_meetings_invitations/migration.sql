-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "reminderDaysBefore" INTEGER[] DEFAULT ARRAY[7, 1]::INTEGER[];

-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "cancelReason" TEXT,
ADD COLUMN     "minutesRef" TEXT;

-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN     "rsvpSource" TEXT;

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "icalMethod" TEXT;

-- CreateTable
CREATE TABLE "NotificationAttempt" (
    "id" TEXT NOT NULL,
    "notificationId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "response" TEXT,
    "error" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotificationAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsedLink" (
    "id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "usedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsedLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "NotificationAttempt_notificationId_attempt_key" ON "NotificationAttempt"("notificationId", "attempt");

-- AddForeignKey
ALTER TABLE "NotificationAttempt" ADD CONSTRAINT "NotificationAttempt_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification"("id") ON DELETE CASCADE ON UPDATE CASCADE;


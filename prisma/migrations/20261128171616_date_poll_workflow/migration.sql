-- AlterTable
ALTER TABLE "Poll" ADD COLUMN     "chosenBy" TEXT,
ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "instanceId" TEXT,
ADD COLUMN     "location" TEXT,
ADD COLUMN     "meetingId" TEXT,
ADD COLUMN     "participants" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE UNIQUE INDEX "Poll_meetingId_key" ON "Poll"("meetingId");

-- AddForeignKey
ALTER TABLE "Poll" ADD CONSTRAINT "Poll_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Poll" ADD CONSTRAINT "Poll_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE SET NULL ON UPDATE CASCADE;


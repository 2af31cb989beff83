-- CreateIndex
CREATE INDEX "Meeting_conventionId_startsAt_idx" ON "Meeting"("conventionId", "startsAt");


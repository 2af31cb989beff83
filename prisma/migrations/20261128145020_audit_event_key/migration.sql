-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_key_key" ON "AuditEvent"("key");


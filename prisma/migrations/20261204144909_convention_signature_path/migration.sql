-- AlterTable
ALTER TABLE "Amendment" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'prolongation',
ADD COLUMN     "previousEndDate" DATE,
ADD COLUMN     "proposedBy" TEXT,
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'signe';

-- CreateTable
CREATE TABLE "SignatureStep" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "step" TEXT NOT NULL,
    "party" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "reference" TEXT,
    "meetingId" TEXT,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignatureStep_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SignatureStep_conventionId_version_step_party_key" ON "SignatureStep"("conventionId", "version", "step", "party");

-- AddForeignKey
ALTER TABLE "SignatureStep" ADD CONSTRAINT "SignatureStep_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;


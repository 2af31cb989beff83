-- AlterTable
ALTER TABLE "AgendaItem" ADD COLUMN     "decidedAt" TIMESTAMP(3),
ADD COLUMN     "decisionText" TEXT,
ADD COLUMN     "note" TEXT;

-- CreateTable
CREATE TABLE "MinutesFile" (
    "meetingId" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "base64" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "uploadedBy" TEXT NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MinutesFile_pkey" PRIMARY KEY ("meetingId")
);

-- AddForeignKey
ALTER TABLE "MinutesFile" ADD CONSTRAINT "MinutesFile_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;


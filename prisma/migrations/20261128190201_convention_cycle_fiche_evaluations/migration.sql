-- CreateTable
CREATE TABLE "FicheEvaluation" (
    "id" TEXT NOT NULL,
    "ficheId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "summary" TEXT NOT NULL,
    "indicators" JSONB,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FicheEvaluation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FicheEvaluation_ficheId_year_key" ON "FicheEvaluation"("ficheId", "year");

-- AddForeignKey
ALTER TABLE "FicheEvaluation" ADD CONSTRAINT "FicheEvaluation_ficheId_fkey" FOREIGN KEY ("ficheId") REFERENCES "FicheAction"("id") ON DELETE CASCADE ON UPDATE CASCADE;


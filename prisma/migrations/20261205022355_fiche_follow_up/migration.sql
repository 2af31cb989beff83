-- AlterTable
ALTER TABLE "FicheAction" ADD COLUMN     "followUp" JSONB;


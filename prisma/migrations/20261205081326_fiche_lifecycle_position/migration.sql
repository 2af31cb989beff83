-- AlterTable
ALTER TABLE "FicheAction" ADD COLUMN     "lifecycle" JSONB;


-- CreateTable
CREATE TABLE "PlanActions" (
    "id" TEXT NOT NULL,
    "conventionId" TEXT NOT NULL,
    "startYear" INTEGER NOT NULL,
    "endYear" INTEGER NOT NULL,
    "stage" TEXT NOT NULL DEFAULT 'elaboration',
    "history" JSONB NOT NULL DEFAULT '[]',
    "workflowId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlanActions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PlanActions_workflowId_key" ON "PlanActions"("workflowId");

-- CreateIndex
CREATE UNIQUE INDEX "PlanActions_conventionId_startYear_endYear_key" ON "PlanActions"("conventionId", "startYear", "endYear");

-- AddForeignKey
ALTER TABLE "PlanActions" ADD CONSTRAINT "PlanActions_conventionId_fkey" FOREIGN KEY ("conventionId") REFERENCES "Convention"("id") ON DELETE CASCADE ON UPDATE CASCADE;


import { randomUUID } from 'node:crypto';
import { REFERENCE_CHARTER } from '../../domain/charter.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** A bare convention (no instances or members) for tests that only need one to exist. */
export async function createTestConvention(prisma: PrismaClient, slug = `ctg-test-${randomUUID().slice(0, 8)}`) {
  return prisma.convention.create({
    data: {
      slug,
      name: `CTG de test ${slug}`,
      territory: 'Territoire de test',
      startDate: new Date('2023-01-01'),
      endDate: new Date('2027-12-31'),
      status: 'en_cours',
      charter: structuredClone(REFERENCE_CHARTER) as object,
    },
  });
}

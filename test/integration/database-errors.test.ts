import { describe, expect, it } from 'vitest';
import { classifyDatabaseError } from '../../store/database/database-errors.js';
import { DATABASE_KINDS, openTestDatabase } from '../helpers/database.js';

// The errors the database really raises, through Prisma's driver adapters, classified once.

describe.each(DATABASE_KINDS)('classifyDatabaseError on %s', (kind) => {
  it('tells refused values, a taken key and the rest apart', async () => {
    const db = await openTestDatabase(kind);
    try {
      const caught = (pending: Promise<unknown>) =>
        pending.then(
          () => expect.fail('should fail'),
          (e: unknown) => e,
        );
      const nul = await caught(db.prisma.person.create({ data: { email: 'nul\u0000@example.org', displayName: 'x' } }));
      expect(classifyDatabaseError(nul)).toMatchObject({ kind: 'data', code: '22021' });

      await db.prisma.person.create({ data: { email: 'pris@example.org', displayName: 'x' } });
      const taken = await caught(db.prisma.person.create({ data: { email: 'pris@example.org', displayName: 'x' } }));
      expect(classifyDatabaseError(taken).kind).toBe('conflict');

      const check = await caught(db.prisma.$executeRawUnsafe('SELECT 1 / 0'));
      expect(classifyDatabaseError(check)).toMatchObject({ kind: 'data', code: '22012' });

      const deadlock = await caught(
        db.prisma.$executeRawUnsafe(`DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '40P01'; END $$`),
      );
      expect(classifyDatabaseError(deadlock)).toMatchObject({ kind: 'transient', code: '40P01' });

      const invalid = await caught(db.prisma.person.create({ data: { email: 42 } as never }));
      expect(classifyDatabaseError(invalid).kind).toBe('data');

      expect(classifyDatabaseError(new Error('something else')).kind).toBe('unknown');
    } finally {
      await db.close();
    }
  });

  it.runIf(kind === 'postgres')('counts a connection the server ends (57P01) as transient', async () => {
    const db = await openTestDatabase(kind);
    try {
      const ended = await db.prisma.$queryRawUnsafe('SELECT pg_terminate_backend(pg_backend_pid())').then(
        () => expect.fail('the server should end the connection'),
        (e: unknown) => e,
      );
      expect(classifyDatabaseError(ended), String(ended)).toMatchObject({ kind: 'transient' });
    } finally {
      await db.close();
    }
  });
});

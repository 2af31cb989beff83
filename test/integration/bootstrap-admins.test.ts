import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../store/index.js';
import { bootstrapAdmins, LOCAL_ADMIN_EMAIL } from '../../app/bootstrap-admins.js';
import { CLI_TOKEN_FILE } from '../../domain/local-app.js';
import { actorSchema } from '../../domain/lifecycle/action-schemas.js';
import type { Database } from '../../store/database/open-database.js';
import { deleteApiToken, listApiTokens, viewerOfApiToken } from '../../store/access/api-tokens.js';
import { openTestDatabase } from '../helpers/database.js';

// What `npm start` does about admins, on a real PostgreSQL and a real data folder.
describe('bootstrapAdmins', () => {
  let db: Database;
  let dataDir: string;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'concerto-admins-'));
  });

  afterAll(async () => {
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const token = async () => (await readFile(path.join(dataDir, CLI_TOKEN_FILE), 'utf8')).trim();

  it(
    'with no admin anywhere, makes admin@concerto.localhost and ' +
      'gives it the CLI token, in a file only its owner reads',
    async () => {
      const { holder, cliTokenFile } = await bootstrapAdmins(createStore(db.prisma).access, { admins: [], dataDir });
      expect(holder).toBe(LOCAL_ADMIN_EMAIL);
      expect((await stat(cliTokenFile)).mode & 0o777).toBe(0o600);
      expect(await viewerOfApiToken(db.prisma, await token(), new Date())).toMatchObject({
        email: LOCAL_ADMIN_EMAIL,
        admin: true,
        via: 'token',
      });
      // The workflows check who acts: the local admin's address must pass as any person's does.
      expect(actorSchema().safeParse({ email: LOCAL_ADMIN_EMAIL, appRole: 'admin' }).success).toBe(true);
    },
  );

  it(
    'keeps a token still valid across starts, and makes ' + 'a new one once it is revoked or its file is gone',
    async () => {
      const first = await token();
      await bootstrapAdmins(createStore(db.prisma).access, { admins: [], dataDir });
      expect(await token()).toBe(first);
      const admin = await db.prisma.person.findUniqueOrThrow({ where: { email: LOCAL_ADMIN_EMAIL } });
      const [listed] = await listApiTokens(db.prisma, admin.id);
      expect(await deleteApiToken(db.prisma, admin.id, listed!.id)).toBe(true);
      await bootstrapAdmins(createStore(db.prisma).access, { admins: [], dataDir });
      const second = await token();
      expect(second).not.toBe(first);
      expect(await viewerOfApiToken(db.prisma, second, new Date())).toMatchObject({ email: LOCAL_ADMIN_EMAIL });
      await writeFile(path.join(dataDir, CLI_TOKEN_FILE), 'cct_not-a-token\n');
      await bootstrapAdmins(createStore(db.prisma).access, { admins: [], dataDir });
      expect(await viewerOfApiToken(db.prisma, await token(), new Date())).toMatchObject({ email: LOCAL_ADMIN_EMAIL });
    },
  );

  it('makes admins of CONCERTO_ADMINS, known or not, and gives the first the CLI token', async () => {
    await db.prisma.person.create({ data: { email: 'connue@example.org', displayName: 'Connue' } });
    // The file still holds admin@concerto.localhost's token, valid: another holder gets a token of their own.
    const { holder } = await bootstrapAdmins(createStore(db.prisma).access, {
      admins: ['connue@example.org', 'nouvelle@example.org'],
      dataDir,
    });
    expect(holder).toBe('connue@example.org');
    const admins = await db.prisma.person.findMany({
      where: { admin: true },
      select: { email: true, displayName: true },
      orderBy: { email: 'asc' },
    });
    expect(admins).toEqual([
      { email: LOCAL_ADMIN_EMAIL, displayName: 'Administrateur local' },
      { email: 'connue@example.org', displayName: 'Connue' },
      { email: 'nouvelle@example.org', displayName: 'nouvelle@example.org' },
    ]);
    expect(await viewerOfApiToken(db.prisma, await token(), new Date())).toMatchObject({
      email: 'connue@example.org',
      admin: true,
    });
  });
});

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rules that keep workflow code deterministic are part of the design: prove they bite.
// The first lint loads the typed project: tens of seconds on a loaded machine.
describe('lint rules', { timeout: 180_000 }, () => {
  const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

  async function ruleIds(code: string, filePath: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  }

  it('bans Node built-ins, Prisma, nodemailer and ical-generator in workflow files', async () => {
    const messages = await ruleIds(
      [
        "import { readFileSync } from 'node:fs';",
        "import nodemailer from 'nodemailer';",
        "import ical from 'ical-generator';",
        "import { PrismaClient } from '@prisma/client';",
        "import { createMailActivities } from '../activities/mail.js';",
        'export const used = [readFileSync, nodemailer, ical, PrismaClient, createMailActivities];',
      ].join('\n'),
      'workflows/fiche-lifecycle.ts',
    );
    expect(messages.filter((m) => m.startsWith('no-restricted-imports'))).toHaveLength(5);
  });

  it('allows activities as types only in workflow files', async () => {
    const messages = await ruleIds(
      "import type { MailActivities } from '../activities/mail.js';\nexport type M = MailActivities;\n",
      'workflows/fiche-lifecycle.ts',
    );
    expect(messages).toEqual([]);
  });

  it('flags floating promises everywhere', async () => {
    const messages = await ruleIds(
      'async function send(): Promise<void> {}\nexport function go(): void {\n  send();\n}\n',
      'app/main.ts',
    );
    expect(messages.some((m) => m.startsWith('@typescript-eslint/no-floating-promises'))).toBe(true);
  });

  it('keeps lines to 120 columns, strings and comments included (Prettier does not break those)', async () => {
    const long = `export const text = '${'x'.repeat(120)}';\n`;
    expect((await ruleIds(long, 'domain/charter.ts')).filter((m) => m.startsWith('@stylistic/max-len'))).toHaveLength(
      1,
    );
    expect(await ruleIds("export const text = 'short';\n", 'domain/charter.ts')).toEqual([]);
  });

  const restricted = (messages: string[]) => messages.filter((m) => m.startsWith('no-restricted-imports'));

  it('keeps the generated Prisma client and the database drivers in store/', async () => {
    const code = [
      "import { PrismaClient } from '../generated/prisma/client.js';",
      "import { PGlite } from '@electric-sql/pglite';",
      'export const used = [PrismaClient, PGlite];',
    ].join('\n');
    for (const file of ['activities/mail.ts', 'server/app.ts', 'client/start-fiche.ts', 'app/concerto.ts']) {
      expect(restricted(await ruleIds(code, file)), file).toHaveLength(2);
    }
    const inStore = code.replace('../generated', '../../generated');
    expect(restricted(await ruleIds(inStore, 'store/fiches/list-fiches.ts'))).toEqual([]);
  });

  it('forbids a lower layer to import a higher one', async () => {
    const importing = (spec: string) => `import * as m from '${spec}';\nexport const used = m;\n`;
    const refused: Array<[file: string, spec: string]> = [
      ['store/fiches/list-fiches.ts', '../../server/app.js'],
      ['store/meetings/meeting-feed.ts', '../../documents/ics/meeting-ics.js'],
      ['infra/smtp-in/imip-listener.ts', '../../store/index.js'],
      ['documents/mail/sign-in-mail.ts', '../../infra/links/signed-links.js'],
      ['activities/mail.ts', '../client/start-fiche.js'],
      ['client/start-fiche.ts', '../server/app.js'],
      ['server/app.ts', '../app/concerto.js'],
      ['cli/fiche.ts', '../store/index.js'],
      ['cli/main.ts', '../app/bootstrap-admins.js'],
      ['domain/charter.ts', '../documents/mail/mail-blocks.js'],
      ['server/app.ts', '../workflows/fiche-lifecycle.js'],
    ];
    for (const [file, spec] of refused) {
      expect(restricted(await ruleIds(importing(spec), file)), `${file} → ${spec}`).toHaveLength(1);
    }
    const allowed: Array<[file: string, spec: string]> = [
      ['server/app.ts', '../store/index.js'],
      ['server/app.ts', '../workflows/definitions.js'],
      ['activities/mail.ts', '../documents/mail/mail-blocks.js'],
      ['store/fiches/list-fiches.ts', '../../domain/charter.js'],
      ['cli/fiche.ts', '../domain/charter.js'],
    ];
    for (const [file, spec] of allowed) {
      expect(restricted(await ruleIds(importing(spec), file)), `${file} → ${spec}`).toEqual([]);
    }
  });
});

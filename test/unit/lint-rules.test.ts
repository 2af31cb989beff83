import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rules that keep workflow code deterministic are part of the design: prove they bite.
describe('lint rules', () => {
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
});

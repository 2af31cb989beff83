import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';

/**
 * One headless Chromium for the test file: launched in beforeAll, closed in afterAll (with every
 * context and page), so no chromium process outlives the file. Each call of the returned
 * `newPage` gets a fresh context: no cookie carries over between tests.
 */
export function useBrowser(): { newPage(): Promise<Page> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    // The Chromium the global setup resolved (see chromium.ts): never a downloaded browser.
    const { executablePath, args } = inject('chromium');
    browser = await chromium.launch({ executablePath, args, headless: true });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
  });
  return {
    async newPage() {
      if (!browser) throw new Error('useBrowser: the browser is launched in beforeAll; open pages inside tests.');
      const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
      contexts.push(context);
      return context.newPage();
    },
  };
}

let axeSource: string | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) in the page as it is and fails on any serious or
 * critical violation, naming the rule and the elements. axe goes in through the DevTools protocol,
 * which the page's Content-Security-Policy does not govern: the page under test keeps its own.
 */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const listed = serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(', ')}`).join('\n');
  expect(serious.length, `axe on ${page.url()}:\n${listed}`).toBe(0);
}

/**
 * What every app page must be in every state: French, one h1, usable at 360 px — nothing wider
 * than the screen but inside a table's own scrolling box (`.scroll`) — and no serious axe violation.
 */
export async function expectUsablePage(page: Page): Promise<void> {
  expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  expect(await page.locator('h1').count()).toBe(1);
  const wide = await page.evaluate(
    `[...document.querySelectorAll('body *')].filter((e) => !e.closest('.scroll') && ` +
      `e.getBoundingClientRect().right > 360).map((e) => e.tagName + '.' + e.className).slice(0, 5).join(' ')`,
  );
  expect(wide, 'elements wider than 360 px').toBe('');
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
  await expectNoSeriousAxeViolations(page);
}

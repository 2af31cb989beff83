import { describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations, useBrowser } from '../helpers/browser.js';

// The accessibility check the page tests rely on must be able to fail.
describe('expectNoSeriousAxeViolations', () => {
  const browser = useBrowser();

  it('fails on a form field without a label and a page without a language, naming the rules', async () => {
    const page = await browser.newPage();
    await page.setContent(
      '<!doctype html><html><head><title>x</title></head><body><main><h1>x</h1><input ' +
        'type="text"></main></body></html>',
    );
    const error = await expectNoSeriousAxeViolations(page).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/html-has-lang/);
    expect(error?.message).toMatch(/label/);
  });

  it('passes a small labelled French page', async () => {
    const page = await browser.newPage();
    await page.setContent(
      '<!doctype html><html lang="fr"><head><title>Essai</title></head><body><main><h1>Essai</h1><label>Nom ' +
        '<input type="text"></label></main></body></html>',
    );
    await expectNoSeriousAxeViolations(page);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { adminCredentials, expectNoSeriousA11yViolations, launchBrowser, newPage, screenshot, signIn } from './support';

describe('signing in', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('takes a visitor from / through sign-in to their projects', async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto('/');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'sign-in');

      const admin = adminCredentials();
      await signIn(page, admin.email, admin.password);

      await page.getByRole('heading', { name: 'Projects' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/projects');
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'projects');
    } finally {
      await context.close();
    }
  });
});

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import axe from 'axe-core';

// Browser journeys drive Debian's Chromium through playwright-core against a running Orbit.

export const baseUrl = requiredEnv('ORBIT_BASE_URL').replace(/\/$/, '');

/** The seeded admin (ORBIT_ADMIN_EMAIL, ORBIT_ADMIN_PASSWORD; locally see `.orbit/local-admin.json`). */
export function adminCredentials(): { email: string; password: string } {
  return { email: process.env.ORBIT_ADMIN_EMAIL ?? 'admin@orbit.localhost', password: requiredEnv('ORBIT_ADMIN_PASSWORD') };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (e.g. ${name}=http://127.0.0.1:5112)`);
  return value;
}

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found) throw new Error('No Chromium found: set CHROMIUM_PATH or apt-get install chromium');
  return found;
}

// Flags from BRIEF.md: headless as root on a shared machine, no background traffic.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

/** Console errors in which Chromium reports a Content-Security-Policy refusal, per page. */
const cspViolations = new WeakMap<Page, string[]>();

/**
 * A fresh context per journey, under the app's real CSP (`script-src 'self'`, no inline script): every refusal the
 * browser reports is recorded and fails the page's next check. axe is evaluated through the DevTools protocol,
 * which the CSP does not govern, so the policy never has to be bypassed.
 */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const refusals: string[] = [];
  cspViolations.set(page, refusals);
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) refusals.push(message.text());
  });
  return { context, page };
}

/** Saves a full-page PNG to ORBIT_SCREENSHOTS (skipped when unset); returns the path. */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
  const dir = process.env.ORBIT_SCREENSHOTS;
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Fails on any CSP refusal seen so far, then runs axe-core in the page and fails listing every serious or critical violation. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const refusals = cspViolations.get(page) ?? [];
  if (refusals.length > 0) throw new Error(`Content-Security-Policy refusals on ${page.url()}:\n${refusals.join('\n')}`);
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async (): Promise<AxeViolation[]> => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String) })),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0) {
    const lines = serious.map((v) => `- [${v.impact}] ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    throw new Error(`Accessibility violations on ${page.url()}:\n${lines.join('\n')}`);
  }
}

declare global {
  interface Window {
    axe: typeof axe;
  }
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

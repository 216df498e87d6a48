import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { adminCredentials, baseUrl, expectNoSeriousA11yViolations, launchBrowser, newPage, screenshot, signIn } from './support';

// The tasks journey against a real host and database: board drag (mouse and keyboard), live updates in a second
// browser, a comment with an @mention that notifies the mentioned member. Set-up goes through the API.

interface Json {
  [key: string]: unknown;
}

async function call(method: string, path: string, token: string | null, body?: unknown): Promise<Json> {
  let response: Response;
  for (let attempt = 0; ; attempt++) {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // Sign-in and registration are rate-limited per address: wait as asked, as a client should.
    if (response.status !== 429 || attempt >= 3) break;
    await new Promise((r) => setTimeout(r, Number(response.headers.get('Retry-After') ?? '10') * 1000 + 250));
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  const parsed: unknown = text ? JSON.parse(text) : {};
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path}: not an object`);
  return Object.fromEntries(Object.entries(parsed));
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}

async function login(email: string, password: string): Promise<string> {
  return text((await call('POST', '/api/v1/auth/login', null, { email, password })).accessToken);
}

/**
 * Opens a path; signs in first when the app asks (no refresh cookie yet in a fresh context). Sign-in is rate-limited
 * per address and other journeys share the host, so a refused attempt is retried after a pause.
 */
async function open(page: Page, path: string, email: string, password: string): Promise<void> {
  await page.goto(path);
  await page.waitForFunction(() => document.querySelector('h1') !== null);
  for (let attempt = 0; new URL(page.url()).pathname === '/sign-in'; attempt++) {
    await signIn(page, email, password);
    try {
      await page.waitForURL((url) => url.pathname === path, { timeout: 10_000 });
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.waitForTimeout(20_000);
    }
  }
}

async function columnOf(page: Page, key: string): Promise<string> {
  const card = page.locator('article.task-card', { has: page.locator('.task-card__key', { hasText: new RegExp(`^${key}$`) }) });
  const heading = card.locator('xpath=ancestor::section[contains(@class,"board-column")]//h3');
  return ((await heading.textContent()) ?? '').replace(/\s*\d+\s*$/, '').trim();
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const liveRegion = (page: Page) => page.locator('[id^="DndLiveRegion"]');

async function announced(page: Page, text: string, timeout = 30_000): Promise<void> {
  try {
    await liveRegion(page).filter({ hasText: text }).waitFor({ state: 'attached', timeout });
  } catch (error) {
    throw new Error(`waited for "${text}"; the drag's live region says "${(await liveRegion(page).textContent()) ?? ''}"`, { cause: error });
  }
}

/**
 * One keyboard step of a picked-up card. dnd-kit's keyboard sensor adds its key listener in a timer after the pick-up
 * (and the board may re-render from a live update meanwhile), so an arrow can go unheard: the card stays where it was
 * and the region still announces that place. Only then is the arrow pressed again; anything else fails with what the
 * region says (one run in six failed here before, with no more to go on).
 */
async function arrowToColumn(page: Page, key: 'ArrowLeft' | 'ArrowRight', expected: string, stillAt: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    try {
      await announced(page, expected, 3_000);
      return;
    } catch (error) {
      const now = (await liveRegion(page).textContent()) ?? '';
      if (attempt >= 3 || !now.includes(stillAt)) throw error;
    }
  }
}

describe('tasks', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('board drag and keyboard moves, live in a second browser, and an @mention that notifies', async () => {
    const admin = adminCredentials();
    const adminToken = await login(admin.email, admin.password);
    const suffix = Date.now().toString(36).toUpperCase().slice(-5);
    const bob = { email: `bob.${suffix.toLowerCase()}@example.test`, password: 'Correct-horse-battery-9', displayName: `Bob ${suffix}` };
    await call('POST', '/api/v1/auth/register', null, bob);
    const bobToken = await login(bob.email, bob.password);
    const bobId = text((await call('GET', '/api/v1/users/me', bobToken)).id);
    const project = await call('POST', '/api/v1/projects', adminToken, { key: `T${suffix}`, name: `Journey ${suffix}`, description: null });
    const projectId = text(project.id);
    await call('PUT', `/api/v1/projects/${projectId}/members/${bobId}`, adminToken, { role: 'member' });
    const keys: string[] = [];
    for (const title of ['Draft the plan', 'Review the copy', 'Ship the release']) {
      const task = await call('POST', `/api/v1/projects/${projectId}/tasks`, adminToken, {
        title,
        status: 'todo',
        description: null,
        priority: 'medium',
        assigneeId: null,
        labels: ['journey'],
        dueDate: null,
        parentId: null,
      });
      keys.push(text(task.key));
    }
    const [first = '', second = ''] = keys;
    const board = `/projects/${projectId}/board`;

    const a = await newPage(browser);
    const b = await newPage(browser);
    try {
      await open(a.page, board, admin.email, admin.password);
      await open(b.page, board, bob.email, bob.password);
      for (const page of [a.page, b.page]) await page.locator('.task-card__key', { hasText: first }).waitFor();
      await expectNoSeriousA11yViolations(a.page);
      await screenshot(a.page, 'board');

      // Mouse: drag the first card from To do to In progress.
      const card = a.page.locator('article.task-card', { has: a.page.locator('.task-card__key', { hasText: first }) });
      const target = a.page.locator('section.board-column', { has: a.page.getByRole('heading', { name: /^In progress/ }) });
      const from = await card.boundingBox();
      const to = await target.boundingBox();
      if (!from || !to) throw new Error('board not laid out');
      await a.page.mouse.move(from.x + from.width / 2, from.y + 20);
      await a.page.mouse.down();
      for (let step = 1; step <= 10; step++) {
        await a.page.mouse.move(from.x + from.width / 2 + ((to.x + to.width / 2 - from.x - from.width / 2) * step) / 10, from.y + 20 + ((to.y + 60 - from.y - 20) * step) / 10);
      }
      await a.page.mouse.up();
      await eventually(async () => (await columnOf(a.page, first)) === 'In progress', `${first} in In progress (admin)`);
      // Bob sees it move without reloading.
      await eventually(async () => (await columnOf(b.page, first)) === 'In progress', `${first} in In progress (live, second browser)`, 5000);

      // Keyboard: pick up the second card by its handle, one column right, drop.
      await a.page.getByRole('button', { name: `Drag ${second}` }).focus();
      // Each step waits for its screen-reader announcement (the sensor listens for arrows once the pick-up settled).
      await a.page.keyboard.press('Space');
      await announced(a.page, `${second} is over To do`);
      await arrowToColumn(a.page, 'ArrowRight', `${second} is over In progress`, `${second} is over To do`);
      await a.page.keyboard.press('Space');
      await announced(a.page, `${second} dropped in In progress`);
      await eventually(async () => (await columnOf(a.page, second)) === 'In progress', `${second} moved by keyboard`);
      await eventually(async () => (await columnOf(b.page, second)) === 'In progress', `${second} live in the second browser`, 5000);
      const saved = await call('GET', `/api/v1/tasks/${second}`, adminToken);
      expect(saved.status).toBe('in_progress');

      // Comment with an @mention picked from the autocomplete.
      const unreadBefore = await unread(bobToken);
      await a.page.getByRole('link', { name: 'Draft the plan' }).click();
      await a.page.getByRole('combobox', { name: 'Add a comment' }).waitFor();
      await expectNoSeriousA11yViolations(a.page);
      const box = a.page.getByRole('combobox', { name: 'Add a comment' });
      await box.click();
      await box.pressSequentially(`Over to you @${bob.displayName.slice(0, 3)}`);
      await a.page.getByRole('listbox', { name: 'People to mention' }).getByRole('option', { name: bob.displayName }).waitFor();
      await a.page.keyboard.press('Enter');
      await box.pressSequentially('please check');
      await a.page.getByRole('button', { name: 'Comment' }).click();
      // Exact: the notifications menu may show the same words inside "… commented: “…”" by now.
      await a.page.getByText(`Over to you @${bob.displayName} please check`, { exact: true }).waitFor();
      await screenshot(a.page, 'task');
      await eventually(async () => (await unread(bobToken)) > unreadBefore, 'the mention notification for the second user', 10_000);

      // List and trash pages render and pass axe (reached through the app's links: no reload, no new sign-in).
      await a.page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'List' }).click();
      await a.page.getByRole('grid', { name: 'Tasks' }).waitFor();
      await expectNoSeriousA11yViolations(a.page);
      await screenshot(a.page, 'list');
      await a.page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Trash' }).click();
      await a.page.getByRole('heading', { name: 'Trash' }).waitFor();
      await expectNoSeriousA11yViolations(a.page);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });
});

/** The second user's unread count, as the bell reads it (the bell itself is on the workspace branch). */
async function unread(token: string): Promise<number> {
  const count = (await call('GET', '/api/v1/notifications/unread-count', token)).count;
  if (typeof count !== 'number') throw new Error(`unread-count answered ${JSON.stringify(count)}`);
  return count;
}

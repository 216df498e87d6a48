#!/usr/bin/env node
// Web app measurement: time to first full render of a 500-task board and scroll smoothness of a 10,000-task list,
// in headless Chromium against a running Orbit, printed next to the bundle sizes. See bench/web/README.md.
//
//   ORBIT_BASE_URL=http://127.0.0.1:5131 ORBIT_ADMIN_PASSWORD=... node bench/web/measure.mjs
//
// Env: ORBIT_BASE_URL (the app; it proxies /api), ORBIT_ADMIN_EMAIL (default admin@orbit.localhost),
// ORBIT_ADMIN_PASSWORD, CHROMIUM_PATH, BOARD_TASKS (500), LIST_TASKS (10000), SEED_CONCURRENCY (16),
// SCROLL_FRAMES (600), SCROLL_PX_PER_FRAME (120), BOARD_PROJECT_ID / LIST_PROJECT_ID (reuse seeded projects).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '../../src/Web');
const require = createRequire(join(web, 'package.json'));
const { chromium } = require('playwright-core');

const base = (process.env.ORBIT_BASE_URL ?? '').replace(/\/$/, '');
if (!base) throw new Error('ORBIT_BASE_URL is required (the app, e.g. http://127.0.0.1:5131)');
const email = process.env.ORBIT_ADMIN_EMAIL ?? 'admin@orbit.localhost';
const password = process.env.ORBIT_ADMIN_PASSWORD;
if (!password) throw new Error('ORBIT_ADMIN_PASSWORD is required (see .orbit/local-admin.json)');
const BOARD_TASKS = Number(process.env.BOARD_TASKS ?? 500);
const LIST_TASKS = Number(process.env.LIST_TASKS ?? 10_000);
const CONCURRENCY = Number(process.env.SEED_CONCURRENCY ?? 16);
const SCROLL_FRAMES = Number(process.env.SCROLL_FRAMES ?? 600);
const SCROLL_STEP = Number(process.env.SCROLL_PX_PER_FRAME ?? 120);

async function call(method, path, token, body) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 429 && attempt < 5) {
      await new Promise((r) => setTimeout(r, Number(response.headers.get('Retry-After') ?? '5') * 1000));
      continue;
    }
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  }
}

const STATUSES = ['backlog', 'todo', 'in_progress', 'in_review', 'done', 'cancelled'];
const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'];

async function seedProject(token, key, name, count) {
  const project = await call('POST', '/api/v1/projects', token, { key, name, description: 'Seeded by bench/web/measure.mjs' });
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await call('POST', `/api/v1/projects/${project.id}/tasks`, token, {
        title: `Seeded task ${i + 1}: measure the web app under load`,
        description: null,
        status: STATUSES[i % STATUSES.length],
        priority: PRIORITIES[i % PRIORITIES.length],
        assigneeId: null,
        labels: i % 3 === 0 ? ['bench'] : [],
        dueDate: i % 4 === 0 ? '2027-01-15' : null,
        parentId: null,
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  console.error(`seeded ${count} tasks into ${key} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return project;
}

function chromiumPath() {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((p) => p && existsSync(p));
  if (!found) throw new Error('No Chromium: set CHROMIUM_PATH');
  return found;
}

function bundleSizes() {
  const out = join(web, '../Host/wwwroot');
  if (!existsSync(join(out, 'index.html'))) return ['bundle: not built (npm run build in src/Web)'];
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]));
  const gz = (file) => gzipSync(readFileSync(join(out, file))).length / 1024;
  let total = gzipSync(html).length / 1024;
  for (const file of initial) total += gz(file);
  const lines = [`bundle initial JS (index.html + entry + preloads), gzip: ${total.toFixed(1)} KiB`];
  for (const file of readdirSync(join(out, 'assets')).filter((f) => /Page-.*\.js$/.test(f)).sort()) {
    lines.push(`bundle route chunk ${file.replace(/-[\w-]+\.js$/, '')}, gzip: ${gz(join('assets', file)).toFixed(1)} KiB`);
  }
  return lines;
}

const token = (await call('POST', '/api/v1/auth/login', null, { email, password })).accessToken;
const suffix = Date.now().toString(36).toUpperCase().slice(-4);
// Re-measure without seeding again: BOARD_PROJECT_ID / LIST_PROJECT_ID name projects seeded by an earlier run.
const boardProject = process.env.BOARD_PROJECT_ID
  ? { id: process.env.BOARD_PROJECT_ID }
  : await seedProject(token, `B${suffix}`, `Bench board ${suffix}`, BOARD_TASKS);
const listProject = process.env.LIST_PROJECT_ID
  ? { id: process.env.LIST_PROJECT_ID }
  : await seedProject(token, `L${suffix}`, `Bench list ${suffix}`, LIST_TASKS);
console.error(`board project ${boardProject.id}, list project ${listProject.id}`);

const browser = await chromium.launch({
  executablePath: chromiumPath(),
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = [];
try {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();

  // Board: an in-app navigation (route chunk + every page of tasks + render), until every card is in the DOM. In-app,
  // so the measurement does not depend on the session surviving a reload.
  await page.evaluate((path) => {
    window.__benchStart = performance.now();
    history.pushState(null, '', path);
    dispatchEvent(new PopStateEvent('popstate'));
  }, `/projects/${boardProject.id}/board`);
  const boardMs = await (
    await page.waitForFunction((n) => document.querySelectorAll('article.task-card').length >= n && performance.now() - window.__benchStart, BOARD_TASKS, {
      polling: 'raf',
      timeout: 60_000,
    })
  ).jsonValue();
  results.push(`board ${BOARD_TASKS} tasks, in-app navigation to all columns rendered: ${boardMs.toFixed(0)} ms`);

  // Cold: a full page load of the board (HTML, entry, session refresh through the cookie, chunk, tasks, render),
  // from the navigation's start (performance.now() counts from it).
  await page.goto(`/projects/${boardProject.id}/board`, { waitUntil: 'commit' });
  const cold = await (
    await page.waitForFunction(
      (n) => (location.pathname === '/sign-in' ? -1 : document.querySelectorAll('article.task-card').length >= n && performance.now()),
      BOARD_TASKS,
      { polling: 'raf', timeout: 60_000 },
    )
  ).jsonValue();
  results.push(
    cold < 0
      ? 'board cold load: skipped (the session did not survive a reload: no refresh cookie on this host)'
      : `board ${BOARD_TASKS} tasks, page load (navigation start) to all columns rendered: ${cold.toFixed(0)} ms`,
  );

  // List: the big project's list through the app, then scroll it frame by frame and sample frame times.
  await page.evaluate((path) => {
    history.pushState(null, '', path);
    dispatchEvent(new PopStateEvent('popstate'));
  }, `/projects/${listProject.id}/list`);
  await page.getByRole('grid', { name: 'Tasks' }).waitFor({ timeout: 60_000 });
  const scroll = await page.evaluate(
    ({ frames, step }) =>
      new Promise((resolve) => {
        const scroller = document.querySelector('[data-testid="task-grid-scroller"]');
        const deltas = [];
        let last = performance.now();
        let frame = 0;
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          scroller.scrollTop += step;
          if (++frame < frames) requestAnimationFrame(tick);
          else resolve({ deltas: deltas.slice(1), rows: document.querySelector('[role="grid"]').querySelectorAll('[role="row"]').length, top: scroller.scrollTop });
        };
        requestAnimationFrame(tick);
      }),
    { frames: SCROLL_FRAMES, step: SCROLL_STEP },
  );
  const sorted = [...scroll.deltas].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  const slow = scroll.deltas.filter((d) => d > 50).length;
  const rowsScrolled = Math.round(scroll.top / 40);
  results.push(`list ${LIST_TASKS} tasks, scroll ${scroll.deltas.length} frames (${rowsScrolled} rows): p95 frame ${p95.toFixed(1)} ms, frames over 50 ms: ${slow}, DOM rows at end: ${scroll.rows}`);
  await context.close();
} finally {
  await browser.close();
}
for (const line of [...results, ...bundleSizes()]) console.log(line);

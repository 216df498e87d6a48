import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { adminCredentials, expectNoSeriousA11yViolations, launchBrowser, newPage, screenshot, signIn } from './support';

// The workspace journey: two people, one project, a member added by email, a personal access token, a webhook
// delivered to a local receiver, and an admin who disables a user whose open app is sent to sign-in.
// Needs a host with Webhooks:AllowPrivateNetworks=true (the receiver listens on 127.0.0.1).

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('thanks');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = addressOf(server);
      resolve({ server, url: `http://127.0.0.1:${port}/orbit-events`, received });
    });
  });
}

function addressOf(server: Server): AddressInfo {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the receiver has no TCP address');
  return address;
}

const PASSWORD = 'correct horse battery staple';

async function register(page: Page, name: string, email: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: /Create account|Register/ }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
}

/**
 * Client-side navigation, as a link click would do, for places without a link on screen yet (the board is
 * another screen's work). A full page load would spend a cookie refresh, and the host rate-limits those with
 * sign-ins per client address.
 */
async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((target) => {
    window.history.pushState(null, '', target);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await page.waitForURL((url) => url.pathname === path);
}

async function checkPage(page: Page, name: string): Promise<void> {
  await expectNoSeriousA11yViolations(page);
  await screenshot(page, name);
}

describe('the workspace', () => {
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    browser = await launchBrowser();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await browser?.close();
    receiver?.server.close();
  });

  it('takes a team from registration to a delivered webhook, and an admin can end a member’s session', async () => {
    const run = Date.now().toString(36);
    const ownerEmail = `owner-${run}@example.test`;
    const memberEmail = `member-${run}@example.test`;
    const memberName = `Member ${run}`;
    const projectKey = `W${run.slice(-6).toUpperCase().replace(/[^A-Z0-9]/g, 'X')}`;

    // The future member registers first and keeps the app open (a second browser context).
    const member = await newPage(browser);
    const owner = await newPage(browser);
    const admin = await newPage(browser);
    try {
      await register(member.page, memberName, memberEmail);

      // The owner registers and creates a project.
      const page = owner.page;
      await register(page, `Owner ${run}`, ownerEmail);
      await page.getByText('You are not a member of any project yet.').waitFor();
      await checkPage(page, 'projects-empty');
      await page.getByRole('button', { name: 'New project' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'New project' });
      await dialog.getByLabel('Key').fill(projectKey);
      await dialog.getByLabel('Name').fill(`Workspace ${run}`);
      await dialog.getByLabel('Description').fill('Created by the workspace journey');
      await checkPage(page, 'project-create');
      await dialog.getByRole('button', { name: 'Create project' }).click();
      await page.waitForURL(/\/projects\/[0-9a-f-]+\/board$/);
      const projectPath = new URL(page.url()).pathname.replace(/\/board$/, '');

      // Add the member by email through the people picker (they share no project yet: typed by hand).
      await go(page, `${projectPath}/members`);
      await page.getByRole('heading', { name: 'Members' }).waitFor();
      const email = page.getByRole('combobox', { name: 'Email' });
      await email.fill(memberEmail);
      await page.getByLabel('Role', { exact: true }).selectOption('member');
      await page.getByRole('button', { name: 'Add member' }).click();
      await page.getByRole('combobox', { name: `Role of ${memberName}` }).waitFor();
      await checkPage(page, 'members');

      // Now they share a project, the picker suggests them by name.
      await email.fill(memberName.slice(0, 6));
      await page.getByRole('option', { name: new RegExp(memberName) }).waitFor();
      await email.press('Escape');
      await email.fill('');

      // A personal access token: shown once, then revoked.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tokens' }).click();
      await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
      await page.getByLabel('Name').fill('journey token');
      await page.getByRole('button', { name: 'Create token' }).click();
      const secret = page.getByLabel('Token journey token');
      await secret.waitFor();
      expect(await secret.inputValue()).not.toBe('');
      await checkPage(page, 'token-created');
      await page.getByRole('button', { name: 'Done, I have copied it' }).click();
      expect(await page.getByLabel('Token journey token').count()).toBe(0);
      await page.getByRole('button', { name: 'Revoke journey token' }).click();
      await page.getByRole('dialog', { name: 'Revoke journey token?' }).getByRole('button', { name: 'Revoke token' }).click();
      await page.getByRole('cell', { name: 'Revoked' }).waitFor();
      await checkPage(page, 'tokens');

      // A webhook to the local receiver, then an event to deliver (renaming the project).
      await go(page, `${projectPath}/webhooks`);
      await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
      await page.getByRole('button', { name: 'Add webhook' }).click();
      const hookDialog = page.getByRole('dialog', { name: 'Add webhook' });
      await hookDialog.getByLabel('Payload URL').fill(receiver.url);
      await checkPage(page, 'webhook-create');
      await hookDialog.getByRole('button', { name: 'Add webhook' }).click();
      await page.getByLabel(/Signing secret/).waitFor();
      await page.getByRole('button', { name: 'Done, I have copied it' }).click();

      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Project settings' }).waitFor();
      await checkPage(page, 'project-settings');
      await page.getByLabel('Name').fill(`Workspace ${run} renamed`);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Project saved').waitFor();

      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('button', { name: `Deliveries of ${receiver.url}` }).click();
      await page.getByRole('cell', { name: 'project.updated' }).first().waitFor({ timeout: 30_000 });
      await page.getByText('succeeded').first().waitFor({ timeout: 30_000 });
      await page.getByText('HTTP 200').first().waitFor();
      expect(receiver.received.some((r) => r.body.includes('project.updated'))).toBe(true);
      await checkPage(page, 'webhook-deliveries');

      // Notifications page (empty for the owner so far) and the bell.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
      await page.getByRole('heading', { name: 'Notifications' }).waitFor();
      await checkPage(page, 'notifications');

      // The admin disables the member; the member's open app goes to sign-in.
      const credentials = adminCredentials();
      await admin.page.goto('/sign-in');
      await signIn(admin.page, credentials.email, credentials.password);
      await admin.page.getByRole('heading', { name: 'Projects' }).waitFor();
      await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
      await admin.page.getByRole('searchbox', { name: 'Search users' }).fill(memberEmail);
      await admin.page.getByRole('button', { name: `Disable ${memberName}` }).click();
      await checkPage(admin.page, 'admin-disable-confirm');
      await admin.page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
      await admin.page.getByRole('button', { name: `Enable ${memberName}` }).waitFor();
      await checkPage(admin.page, 'admin-users');

      await admin.page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Audit log' }).click();
      await admin.page.getByRole('heading', { name: 'Audit log' }).waitFor();
      await admin.page.getByRole('button', { name: 'Verify chain' }).click();
      await admin.page.getByText(/entries checked|broken at entry/).waitFor();
      await checkPage(admin.page, 'admin-audit');

      // The member's app polls the unread count every 15 s: the next call is refused and sign-in takes over.
      await member.page.getByText('Your session ended — sign in again.').waitFor({ timeout: 45_000 });
      expect(new URL(member.page.url()).pathname).toBe('/sign-in');
      await checkPage(member.page, 'session-ended');
    } catch (error) {
      // What each person saw when it failed.
      await screenshot(owner.page, 'failure-owner');
      await screenshot(member.page, 'failure-member');
      await screenshot(admin.page, 'failure-admin');
      throw error;
    } finally {
      await member.context.close();
      await owner.context.close();
      await admin.context.close();
    }
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './harness.ts';

// Settings → Channels in a real browser against the real server: an admin connects a LINE
// Official Account, an invalid value is shown beside its field, the webhook URL shown is one the
// api answers on, the access token is rotated and only its new last 4 come back. A marketer sees
// no link and, opening the route anyway, a sentence.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('channels settings', () => {
  it('connects LINE, shows the webhook URL, rotates the token and shows field errors', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1300, height: 950 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, stack.admin);
    await page.getByRole('navigation').getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('heading', { name: 'Channels', level: 1 }).waitFor();
    await page.getByText('No channels are connected yet.').waitFor();

    await page.getByRole('button', { name: 'Connect a channel' }).click();
    await page.getByRole('button', { name: /LINE Official Account/ }).click();
    const form = page.getByRole('form', { name: 'LINE Official Account' });
    await form.getByLabel('Name').fill('Taipei shop');
    await form.getByLabel('Channel secret').fill('0123456789abcdef0123456789abcdef');
    await form.getByLabel('Channel access token').fill('line-long-lived-token-AAAA1234');
    // An invalid value: the api refuses it and the sentence appears beside that field, nothing is created.
    await form.getByText('Advanced').click();
    const server = form.getByLabel(/Server address/);
    await server.fill('not a url');
    await form.getByRole('button', { name: 'Connect', exact: true }).click();
    const serverError = form.locator('#ch-settings-baseUrl-error');
    await serverError.waitFor();
    expect(await serverError.textContent()).toBe('Use an http(s) URL such as https://api.example.com.');
    expect(await server.getAttribute('aria-invalid')).toBe('true');
    expect(await server.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    await shot(page, 'channels-field-error');
    await server.fill('');
    await form.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByText('Taipei shop is connected.').waitFor();
    const webhook = page.getByRole('textbox', { name: 'Webhook URL' });
    const url = await webhook.inputValue();
    expect(url).toMatch(new RegExp(`^${escapeRegExp(stack.url)}/webhooks/line/[^/]+$`));
    // The path is one the api serves: an unsigned post is refused as unsigned, not as unknown.
    const unsigned = await fetch(`${stack.api.url}${new URL(url).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"events":[]}',
    });
    expect(unsigned.status).toBe(401);
    await shot(page, 'channels-connected');
    await page.getByRole('button', { name: 'Copy Webhook URL' }).click();
    await page.getByText('Copied.').waitFor();

    // Rotate the access token: write-only, only the new last 4 come back.
    const token = page.getByTestId('secret-channelAccessToken');
    expect(await token.textContent()).toContain('••••1234');
    await token.getByRole('button', { name: 'Replace Channel access token' }).click();
    const newValue = token.getByLabel('New value for Channel access token');
    expect(await newValue.getAttribute('type')).toBe('password');
    await newValue.fill('line-long-lived-token-BBBB5678');
    await newValue.press('Enter');
    await page.getByText('Channel access token was replaced.').waitFor();
    await expect.poll(() => token.textContent()).toContain('••••5678');
    expect(await page.content()).not.toContain('line-long-lived-token-BBBB5678');

    await page.getByRole('button', { name: /All channels/ }).click();
    const row = page.getByRole('row', { name: /Taipei shop/ });
    expect(await row.textContent()).toMatch(/LINE Official Account.*Taipei shop.*Ready.*Channel secret ••••cdef.*Channel access token ••••5678/);
    await shot(page, 'channels-list');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('shows a marketer no link, and a sentence on the route', async () => {
    const api = await apiSession(stack.api.url, stack.admin);
    const marketer = { email: 'mei@example.com', password: 'marketer-password-1' };
    await api.call('users.create', { ...marketer, name: 'Mei', role: 'marketer' });
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    await signIn(page, marketer);
    await page.getByRole('navigation').getByRole('link', { name: 'Flows' }).waitFor();
    expect(await page.getByRole('link', { name: 'Channels' }).count()).toBe(0);
    await page.goto(`${stack.url}/#/settings/channels`);
    await page.getByText('Only admins can connect channels.').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();
  });
});

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function shot(page: Page, name: string) {
  const dir = process.env.OMNIFLOW_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto(stack.url);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A signed-in session speaking plain tRPC-over-HTTP, as an integration would. */
async function apiSession(base: string, who: { email: string; password: string }) {
  const res = await fetch(`${base}/trpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    async call(path: string, input: unknown): Promise<unknown> {
      const r = await fetch(`${base}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { result: { data: unknown } }).result.data;
    },
  };
}

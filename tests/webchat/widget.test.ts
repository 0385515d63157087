import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@omniflow/api';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A person talks to the example keyword bot in a real browser: the server started as `npm start` starts
// it (examples seeded), the bot published for web chat, and /webchat/demo opened in Debian's Chromium.
// The widget greets by keyword, draws the quick replies, routes a press, shows the hand-off, resumes the
// visitor after a reload, works from the keyboard and speaks Traditional Chinese to a zh-TW browser.

const CHROMIUM = process.env.OMNIFLOW_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`tests/webchat/widget.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const exampleBot = JSON.parse(readFileSync(new URL('../../examples/flows/keyword-bot.chatbot.json', import.meta.url), 'utf8'));

const catalogueBot = {
  formatVersion: 2,
  kind: 'chatbot',
  bot: { scope: 'web' },
  entryModuleId: 'm_cat',
  triggers: [{ id: 'kw_shop', type: 'trigger.keyword', version: 1, config: { keywords: ['catalogue'], match: 'exact' } }],
  modules: [
    {
      id: 'm_cat',
      name: 'Catalogue',
      position: { x: 0, y: 0 },
      cards: [
        { id: 'c_banner', type: 'message.image', version: 1, config: { url: 'https://cdn.example.com/banner.jpg' } },
        {
          id: 'c_items',
          type: 'message.carousel',
          version: 1,
          config: {
            columns: [
              {
                id: 'sneakers',
                imageUrl: 'https://cdn.example.com/sneakers.jpg',
                title: 'Sneakers',
                subtitle: 'NT$1,200',
                buttons: [{ id: 'buy1', label: 'Buy sneakers', action: { kind: 'url', url: 'https://shop.example.com/sneakers' } }],
              },
              {
                id: 'boots',
                imageUrl: 'https://cdn.example.com/boots.jpg',
                title: 'Boots',
                subtitle: 'NT$2,400',
                buttons: [{ id: 'buy2', label: 'Buy boots', action: { kind: 'url', url: 'https://shop.example.com/boots' } }],
              },
            ],
          },
        },
      ],
    },
  ],
  edges: [{ id: 'e1', source: 'kw_shop', sourcePort: 'next', target: 'm_cat' }],
};

let server: RunningServer;
let browser: Browser;
let dataDir: string;

/** A tRPC call over plain HTTP with the admin's session cookie. */
async function trpc<T>(cookie: string, path: string, input: unknown): Promise<T> {
  const res = await fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  if (!body.result) throw new Error(`${path}: ${body.error?.message ?? res.status}`);
  return body.result.data;
}

beforeAll(async () => {
  if (!haveChromium) return;
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-webchat-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, seedExamples: true });
  const admin = server.firstAdmin!;
  const signIn = await fetch(`${server.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
  // The example keyword bot, as a bot for the web.
  const flow = await trpc<{ id: string; draftRevision: number }>(cookie, 'flows.create', { kind: 'chatbot', name: 'Web shop bot', scope: 'web' });
  const graph = {
    ...exampleBot,
    bot: { ...exampleBot.bot, scope: 'web' },
    triggers: exampleBot.triggers.filter((t: { type: string }) => t.type !== 'trigger.welcome'),
  };
  graph.edges = graph.edges.filter((e: { source: string }) => e.source !== 'welcome');
  const saved = await trpc<{ revision: number }>(cookie, 'flows.saveDraft', { id: flow.id, baseRevision: flow.draftRevision, graph });
  await trpc(cookie, 'versions.publish', { flowId: flow.id, baseRevision: saved.revision, notes: 'web', confirmWarnings: true, inFlightPolicy: 'keep' });
  // A second bot with media cards: an image and a carousel.
  const media = await trpc<{ id: string; draftRevision: number }>(cookie, 'flows.create', { kind: 'chatbot', name: 'Catalogue bot', scope: 'web' });
  const mediaSaved = await trpc<{ revision: number }>(cookie, 'flows.saveDraft', { id: media.id, baseRevision: media.draftRevision, graph: catalogueBot });
  await trpc(cookie, 'versions.publish', { flowId: media.id, baseRevision: mediaSaved.revision, notes: 'web', confirmWarnings: true, inFlightPolicy: 'keep' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!haveChromium)('web chat widget in Chromium', () => {
  it('talks to the bot: keyword, quick reply, hand-off; resumes after a reload; keyboard only', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/webchat/demo?channel=shop`);

    // Keyboard only: focus the launcher, open with Enter; the input takes focus.
    await page.focus('button[aria-label="Open chat"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(':focus').getAttribute('aria-label')).toBe('Type a message…');
    await page.keyboard.type('hello');
    await page.keyboard.press('Enter');

    const log = page.locator('[role="log"]');
    await log.getByText("Hi there! I'm the Omniflow shop bot.").waitFor();
    await log.getByText('What can I do for you?').waitFor();
    const quickReply = page.getByRole('button', { name: 'Opening hours' });
    await quickReply.waitFor();
    await quickReply.click();
    await log.getByText('We are open 10:00–21:00 every day.').waitFor();
    // The URL button is a link that opens the store page; the module button routes back to the menu.
    expect(await log.getByRole('link', { name: 'Find a store' }).getAttribute('href')).toBe('https://shop.example.com/stores');
    await log.getByRole('button', { name: 'Back to menu' }).click();
    await page.getByRole('button', { name: 'Talk to a person' }).click();
    await log.getByText('A person from our team will take it from here.').waitFor();
    await log.getByText("Our team is offline right now; we'll reply as soon as we're back.").waitFor();

    const visitorId = await page.evaluate(() => localStorage.getItem('omniflow.webchat.shop.visitor'));
    expect(visitorId).toMatch(/^v_/);
    const identity = await server.prisma.contactIdentity.findFirstOrThrow({ where: { channel: 'webchat', externalUserId: visitorId! } });
    expect(identity.conversationState).toBe('pending_human');

    // Escape closes the panel and gives focus back to the launcher.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator(':focus').getAttribute('aria-label')).toBe('Open chat');

    // After a reload the widget resumes the same visitor (and is told the conversation is with a person).
    await page.reload();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.locator('[role="log"]').getByText('A person from our team will take it from here.').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('omniflow.webchat.shop.visitor'))).toBe(visitorId);
    // The widget acknowledged what it drew, so nothing is delivered twice.
    expect(await page.locator('[role="log"]').getByText('What can I do for you?').count()).toBe(0);
    const identityAfter = await server.prisma.contactIdentity.findFirstOrThrow({ where: { channel: 'webchat', externalUserId: visitorId! } });
    expect(identityAfter.id).toBe(identity.id);
    await context.close();
  }, 60_000);

  it('reconnects after the connection drops and sends what was typed meanwhile', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/webchat/demo?channel=reconnect`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const input = page.getByRole('textbox', { name: 'Type a message…' });
    await input.fill('hello');
    await page.keyboard.press('Enter');
    const log = page.locator('[role="log"]');
    await log.getByText('What can I do for you?').waitFor();
    // The server drops every socket (a restart, a proxy timeout…).
    expect(server.webchat.disconnect()).toBeGreaterThan(0);
    await page.getByText('Connection lost, reconnecting…').waitFor();
    await input.fill('hi again');
    await page.keyboard.press('Enter');
    await expect.poll(() => log.getByText('What can I do for you?').count(), { timeout: 20_000 }).toBe(2);
    await context.close();
  }, 60_000);

  it('draws images and carousels', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/webchat/demo?channel=catalogue`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Type a message…' }).fill('catalogue');
    await page.keyboard.press('Enter');
    const log = page.locator('[role="log"]');
    await log.getByRole('link', { name: 'Buy boots' }).waitFor();
    expect(await log.locator('img[src="https://cdn.example.com/banner.jpg"]').count()).toBe(1);
    const cards = log.getByRole('listitem');
    expect(await cards.count()).toBe(2);
    expect(await cards.nth(0).textContent()).toContain('Sneakers');
    expect(await cards.nth(0).locator('img').getAttribute('src')).toBe('https://cdn.example.com/sneakers.jpg');
    expect(await log.getByRole('link', { name: 'Buy sneakers' }).getAttribute('href')).toBe('https://shop.example.com/sneakers');
    await context.close();
  }, 60_000);

  it('speaks Traditional Chinese to a zh-TW browser', async () => {
    const context = await browser.newContext({ locale: 'zh-TW' });
    const page = await context.newPage();
    await page.goto(`${server.url}/webchat/demo?channel=shop-zh`);
    await page.getByRole('button', { name: '開啟對話' }).click();
    await page.getByRole('textbox', { name: '輸入訊息…' }).fill('你好');
    await page.keyboard.press('Enter');
    await page.locator('[role="log"]').getByText('What can I do for you?').waitFor();
    await context.close();
  }, 60_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapiServer, type LineServer, startCapiServer, startLineServer } from '../platforms/servers.ts';

// Issue #9's check: the product as a new user meets it. `npm start` at the repo root on an empty data
// directory (as the README says), the admin credentials read from what it prints, then in Chromium:
// sign in, the seeded examples, the keyword bot chatted to the hand-off in the simulator, and the
// abandoned-cart journey published from the studio and run for a contact, its one-hour wait
// fast-forwarded (runs.fastForward), until the Flex coupon reaches the local LINE server and the
// Conversions API event the local Meta server.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.OMNIFLOW_CHROMIUM ?? '/usr/bin/chromium';
const LINE_TOKEN = 'product-test-line-token';
const CAPI_TOKEN = 'product-test-capi-token';
const LINE_USER = 'U0123456789abcdef0123456789abcdef';
const DATASET = '1234567890123456'; // the dataset id of the example's CAPI node

interface Product {
  process: ChildProcess;
  url: string;
  output: () => string;
  admin: { email: string; password: string };
}

let product: Product | undefined;
let dataDir: string;
let browser: Browser | undefined;
let line: LineServer | undefined;
let capi: CapiServer | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `npm start` in its own process group (so the whole tree can be stopped), until /healthz answers. */
async function startProduct(): Promise<Product> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', OMNIFLOW_DATA_DIR: dataDir, OMNIFLOW_PUBLIC_URL: url },
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  const started: Product = { process: child, url, output: () => out, admin: { email: '', password: '' } };
  product = started;
  const deadline = Date.now() + 360_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start did not answer /healthz in time:\n${out}`);
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy && /password: +\S+/.test(out)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const email = /email: +(\S+)/.exec(out)?.[1];
  const password = /password: +(\S+)/.exec(out)?.[1];
  if (!email || !password) throw new Error(`npm start printed no admin credentials:\n${out}`);
  started.admin = { email, password };
  return started;
}

/** Stops the whole `npm start` tree (npm → tsx → node) and waits for it to be gone. */
async function stopProduct(p: Product): Promise<void> {
  const pid = p.process.pid;
  if (pid === undefined || p.process.exitCode !== null) return;
  const exited = new Promise<void>((r) => p.process.once('exit', () => r()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 15_000))]);
  if (timedOut) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A signed-in tRPC-over-HTTP session, as an integration (or a tester's script) would use the api. */
async function apiSession(base: string, who: { email: string; password: string }) {
  const res = await fetch(`${base}/trpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  if (!res.ok) throw new Error(`auth.signIn: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const parse = async (path: string, r: Response) => {
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { result: { data: unknown } }).result.data;
  };
  return {
    mutate: async <T>(path: string, input: unknown): Promise<T> =>
      (await parse(
        path,
        await fetch(`${base}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) }),
      )) as T,
    query: async <T>(path: string, input: unknown): Promise<T> =>
      (await parse(path, await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie } }))) as T,
  };
}

async function newPage(): Promise<{ page: Page; pageErrors: string[] }> {
  if (!browser) throw new Error('no browser');
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { page, pageErrors };
}

async function signIn(page: Page) {
  if (!product) throw new Error('the product is not running');
  const problems: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === 'error') problems.push(m.text());
  };
  page.on('console', onConsole);
  await page.goto(product.url);
  // A blank page (a broken studio build, a missing asset) says why instead of timing out on a field.
  await page
    .getByLabel('Email')
    .waitFor({ timeout: 60_000 })
    .catch(async () => {
      throw new Error(`the studio shows no sign-in form; console errors: ${problems.join(' | ') || 'none'}; page: ${(await page.content()).slice(0, 800)}`);
    });
  page.off('console', onConsole);
  await page.getByLabel('Email').fill(product.admin.email);
  await page.getByLabel('Password').fill(product.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** OMNIFLOW_E2E_SCREENSHOTS=<dir> keeps a picture of each screen for a person to review. */
async function shot(page: Page, name: string) {
  const dir = process.env.OMNIFLOW_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'omniflow-product-'));
  line = await startLineServer({ accessToken: LINE_TOKEN });
  capi = await startCapiServer({ accessToken: CAPI_TOKEN });
  await startProduct();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (product) await stopProduct(product);
  await line?.close();
  await capi?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the product as a new user meets it (npm start)', () => {
  it('signs in with the printed admin account and lists the three seeded examples', async () => {
    const { page, pageErrors } = await newPage();
    await signIn(page);
    for (const name of ['Shop keyword bot (example)', 'Abandoned cart (example)', 'New follower welcome (example)']) {
      await page.getByRole('link', { name }).waitFor();
    }
    await shot(page, 'product-flow-list');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('chats with the seeded keyword bot in the simulator to the hand-off', async () => {
    const { page, pageErrors } = await newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Shop keyword bot (example)' }).click();
    await page.getByRole('heading', { name: 'Shop keyword bot (example)' }).waitFor();
    await page.getByRole('button', { name: 'Simulate' }).click();
    const sim = page.getByTestId('simulator');
    await expect.poll(() => sim.getByTestId('sim-status').textContent(), { timeout: 30_000 }).toBe('Connected');
    await sim.getByRole('textbox', { name: 'Type a message' }).fill('hi');
    await sim.getByRole('button', { name: 'Send' }).click();
    // The welcome module: a greeting, then the menu with its quick replies.
    await sim.getByText("I'm the Omniflow shop bot.", { exact: false }).waitFor();
    await sim.getByText('What can I do for you?').waitFor();
    await sim.locator('.sim-quick-reply', { hasText: 'Talk to a person' }).click();
    await sim.getByTestId('sim-handoff').waitFor();
    expect(await sim.getByTestId('sim-steps').textContent()).toContain('Live agent');
    await shot(page, 'product-simulator-handoff');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('runs the abandoned-cart journey: published in the studio, the wait fast-forwarded, the Flex coupon and the CAPI event delivered', async () => {
    if (!product || !line || !capi) throw new Error('not started');
    const api = await apiSession(product.url, product.admin);

    // Connect LINE and the Conversions API, pointed at the local platform servers.
    const lineChannel = await api.mutate<{ id: string }>('channels.create', {
      kind: 'line',
      name: 'Shop LINE OA',
      settings: { baseUrl: line.url },
      secrets: { channelAccessToken: LINE_TOKEN, channelSecret: 'product-test-line-secret' },
    });
    await api.mutate('channels.create', {
      kind: 'capi',
      name: 'Shop dataset',
      settings: { datasetId: DATASET, baseUrl: capi.url },
      secrets: { accessToken: CAPI_TOKEN },
    });

    // The example defers marketing sends during quiet hours (22:00–08:00 Asia/Taipei). This test runs at
    // any hour against the real clock, so the draft drops quiet hours before it is published.
    const flows = await api.query<{ items?: { id: string; name: string }[] } | { id: string; name: string }[]>('flows.list', {});
    const list = Array.isArray(flows) ? flows : (flows.items ?? []);
    const cart = list.find((f) => f.name === 'Abandoned cart (example)');
    if (!cart) throw new Error(`the seeded journey is missing from flows.list: ${JSON.stringify(flows).slice(0, 500)}`);
    const draft = await api.query<{ draftRevision: number; draftGraph: { settings: Record<string, unknown> } }>('flows.get', { id: cart.id });
    const { quietHours: _quiet, ...settings } = draft.draftGraph.settings;
    await api.mutate('flows.saveDraft', { id: cart.id, baseRevision: draft.draftRevision, graph: { ...draft.draftGraph, settings } });

    // Publish it from the studio.
    const { page, pageErrors } = await newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Abandoned cart (example)' }).click();
    await page.getByRole('heading', { name: 'Abandoned cart (example)' }).waitFor();
    await expect.poll(() => page.getByTestId('canvas').locator('.react-flow__node').count(), { timeout: 30_000 }).toBe(7);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Release notes').fill('First abandoned-cart reminder');
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    const published = dialog.getByText('Published version 1.');
    const warnings = dialog.getByLabel('Publish despite warnings');
    await published.or(warnings).first().waitFor();
    if (!(await published.isVisible())) {
      await warnings.check();
      await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
      await published.waitFor();
    }
    await shot(page, 'product-published');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // A contact with a LINE identity (and an email and phone for the CAPI user data) abandons a cart.
    const contact = await api.mutate<{ id: string }>('contacts.create', { name: 'Mei Lin', email: 'mei@example.com', phone: '886911223344' });
    await api.mutate('contacts.addIdentity', { customerId: contact.id, channel: 'line', channelId: lineChannel.id, externalUserId: LINE_USER });
    await api.mutate('tags.add', { customerId: contact.id, tags: ['cart_abandoned'] });

    // The run waits at "Wait 1 hour": the version canvas counts it.
    await page.getByRole('button', { name: 'Versions & statistics' }).click();
    const historyCanvas = page.getByTestId('history-canvas');
    await historyCanvas.getByText('Version 1, read-only').waitFor();
    const waitStats = historyCanvas.locator('.react-flow__node[data-id="wait_1h"] [data-testid="node-stats"]');
    await expect.poll(() => waitStats.getAttribute('aria-label'), { timeout: 30_000 }).toBe('1 entered, 1 waiting, 0 passed, 0 failed');
    type Run = { id: string; status: string; state: string };
    const [run] = await api.query<Run[]>('runs.list', { flowId: cart.id });
    expect(run).toMatchObject({ status: 'waiting', state: 'waiting' });
    expect(line.sends).toHaveLength(0);
    await shot(page, 'product-run-waiting');

    // Fast-forward the hour: the coupon goes to LINE, the event to Meta, the run ends.
    const forwarded = await api.mutate<{ wasDueAt: string }>('runs.fastForward', { runId: run!.id });
    expect(new Date(forwarded.wasDueAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    await expect.poll(async () => (await api.query<Run[]>('runs.list', { flowId: cart.id }))[0]?.status, { timeout: 30_000 }).toBe('completed');

    expect(line.sends).toHaveLength(1);
    const push = line.sends[0]!;
    expect(push).toMatchObject({ kind: 'push', to: LINE_USER });
    expect(push.messages).toHaveLength(1);
    expect(push.messages[0]).toMatchObject({ type: 'flex', altText: 'Mei Lin, your cart is waiting: 10% off today' });
    expect(JSON.stringify(push.messages[0])).toContain('Code: COMEBACK10');

    expect(capi.events).toHaveLength(1);
    const event = capi.events[0]!;
    expect(event).toMatchObject({ event_name: 'InitiateCheckout', action_source: 'chat', custom_data: { currency: 'TWD' } });
    expect(event.event_id).toEqual(expect.stringContaining(run!.id));
    const userData = event.user_data as Record<string, unknown>;
    const hashed = [userData.em, userData.ph].flat().filter((v) => v !== undefined);
    expect(hashed.length).toBeGreaterThan(0);
    for (const h of hashed) expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(userData)).not.toContain('mei@example.com');

    // The version canvas shows the run through to its end.
    await expect.poll(() => waitStats.getAttribute('aria-label'), { timeout: 30_000 }).toBe('1 entered, 0 waiting, 1 passed, 0 failed');
    const finishStats = historyCanvas.locator('.react-flow__node[data-id="finish"] [data-testid="node-stats"]');
    await expect.poll(() => finishStats.getAttribute('aria-label'), { timeout: 30_000 }).toMatch(/^1 entered/);
    const timeline = await api.query<{ steps: { nodeId: string; port?: string }[] }>('runs.timeline', { runId: run!.id });
    expect(timeline.steps.map((s) => [s.nodeId, s.port ?? ''])).toEqual(
      expect.arrayContaining([
        ['coupon', 'sent'],
        ['capi', 'sent'],
      ]),
    );
    await shot(page, 'product-run-finished');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './harness.ts';

// Version history, visual diff, rollback, lifecycle and statistics in a real browser against the
// real server: v1 is published through the api, v2 from the studio after an edit, then the two are
// compared on the canvas, v1 is rolled back to, and a run triggered through the api shows up in
// the node counters.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const JOURNEY = {
  formatVersion: 2,
  kind: 'journey',
  channels: ['line'],
  triggers: [{ id: 't1', type: 'trigger.tag_applied', version: 1, config: { tags: ['vip'] }, position: { x: 0, y: 0 } }],
  nodes: [
    { id: 'tag_1', type: 'action.tag', version: 1, config: { op: 'add', tags: ['welcomed'] }, position: { x: 320, y: 0 } },
    { id: 'goal_1', type: 'flow.goal', version: 1, config: { label: 'Welcomed', note: '' }, position: { x: 640, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 't1', sourcePort: 'next', target: 'tag_1' },
    { id: 'e2', source: 'tag_1', sourcePort: 'next', target: 'goal_1' },
  ],
};

describe('version history, diff, rollback and statistics', () => {
  it('publishes twice, shows the diff on the canvas, rolls back, pauses and resumes, and counts a run', async () => {
    const api = await apiSession(stack.api.url, stack.admin);
    const flow = (await api.call('flows.create', { kind: 'journey', name: 'Versioned welcome', channels: ['line'] })) as { id: string; draftRevision: number };
    const saved = (await api.call('flows.saveDraft', { id: flow.id, baseRevision: flow.draftRevision, graph: JOURNEY })) as { revision: number };
    await api.call('versions.publish', { flowId: flow.id, baseRevision: saved.revision, notes: 'First welcome', confirmWarnings: true });

    const page = await stack.browser.newPage({ viewport: { width: 1500, height: 950 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page);
    await page.getByRole('link', { name: 'Versioned welcome' }).click();
    const canvas = page.getByTestId('canvas');
    await expect.poll(() => canvas.locator('.react-flow__node').count(), { timeout: 10_000 }).toBe(3);

    // The change: a second tag on the action, then publish version 2 from the studio.
    await canvas.locator('.react-flow__node[data-id="tag_1"]').click();
    const tags = page.getByRole('textbox', { name: 'Tags', exact: true });
    await tags.fill('gold');
    await tags.press('Enter');
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('All changes saved');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const publish = page.getByRole('dialog');
    await publish.getByLabel('Release notes').fill('Also tag gold');
    await publish.getByRole('button', { name: 'Publish', exact: true }).click();
    await publish.getByText('Published version 2.').waitFor();
    await publish.getByRole('button', { name: 'Close' }).click();

    // History: both versions, the live one marked, with publisher, notes and a short checksum.
    await page.getByRole('button', { name: 'Versions & statistics' }).click();
    const history = page.getByRole('complementary', { name: 'Version history' });
    const v1 = history.getByTestId('version-1');
    const v2 = history.getByTestId('version-2');
    await v2.waitFor();
    expect(await v2.textContent()).toMatch(/Version 2.*Live.*Also tag gold.*Checksum [0-9a-f]{8}/);
    expect(await v1.textContent()).toMatch(/Version 1.*Earlier.*First welcome/);
    const historyCanvas = page.getByTestId('history-canvas');
    await historyCanvas.getByText('Version 2, read-only').waitFor();

    // Visual diff of 1 → 2: the edited node is marked "changed" (icon and word), the list says what changed in words.
    const compare = page.getByRole('form', { name: 'Compare' });
    await compare.getByLabel('From').selectOption('1');
    await compare.getByLabel('To').selectOption('2');
    await compare.getByRole('button', { name: 'Show differences' }).click();
    const changedNode = historyCanvas.locator('.react-flow__node[data-id="tag_1"] .flow-node');
    await expect.poll(() => changedNode.getAttribute('data-mark'), { timeout: 10_000 }).toBe('changed');
    expect(await changedNode.textContent()).toContain('Changed');
    expect(await historyCanvas.locator('.react-flow__node[data-id="goal_1"] .flow-node').getAttribute('data-mark')).toBeNull();
    expect(await page.getByTestId('diff-legend').textContent()).toMatch(/Added \(0\).*Removed \(0\).*Changed \(1\)/);
    const line = page.getByTestId('diff-tag_1');
    expect(await line.textContent()).toContain('Tags › #2: set to “gold”');
    expect(await line.textContent()).not.toMatch(/[{}[\]]/);

    await shot(page, 'versions-diff');

    // Draft vs a version: a node added to the draft is marked "added".
    const draft = (await api.call('flows.get', { id: flow.id })) as { draftRevision: number; draftGraph: typeof JOURNEY };
    const withWait = {
      ...draft.draftGraph,
      nodes: [...draft.draftGraph.nodes, { id: 'exit_9', type: 'flow.exit', version: 1, config: { reason: '' }, position: { x: 640, y: 200 } }],
    };
    await api.call('flows.saveDraft', { id: flow.id, baseRevision: draft.draftRevision, graph: withWait });
    await compare.getByLabel('From').selectOption('2');
    await compare.getByLabel('To').selectOption('draft');
    await compare.getByRole('button', { name: 'Show differences' }).click();
    await expect
      .poll(() => historyCanvas.locator('.react-flow__node[data-id="exit_9"] .flow-node').getAttribute('data-mark'), { timeout: 10_000 })
      .toBe('added');

    // Roll back to version 1: a confirmation, then version 3 is live with version 1's graph.
    await history.getByRole('button', { name: 'Roll back to version 1' }).click();
    const confirm = page.getByRole('dialog', { name: 'Roll back to version 1' });
    await confirm.getByRole('button', { name: 'Publish version 1 again' }).click();
    await history.getByText('Version 1 is live again as version 3.').waitFor();
    await expect.poll(() => history.getByTestId('version-3').textContent()).toMatch(/Version 3.*Live.*Rollback to version 1/);
    const versions = await stack.api.prisma.flowVersion.findMany({ where: { flowId: flow.id }, orderBy: { number: 'asc' } });
    expect(versions.map((v) => v.number)).toEqual([1, 2, 3]);
    expect(versions[2]?.checksum).toBe(versions[0]?.checksum);

    // Lifecycle: pause, a refused second pause says why in words, resume.
    const status = page.getByTestId('flow-status');
    await history.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => status.textContent()).toBe('Flow status: Paused');
    await history.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect
      .poll(() => history.getByRole('alert').textContent())
      .toBe('You cannot pause this flow while it is Paused; that works only when it is Scheduled / Active.');
    await history.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect.poll(() => status.textContent()).toBe('Flow status: Active');

    // Statistics: a run triggered through the api appears in version 3's counters on the canvas.
    await history.getByRole('button', { name: 'View version 3' }).click();
    await historyCanvas.getByText('Version 3, read-only').waitFor();
    const customer = (await api.call('contacts.create', { name: 'Ann Lee' })) as { id: string };
    await api.call('tags.add', { customerId: customer.id, tags: ['vip'] });
    const tagStats = historyCanvas.locator('.react-flow__node[data-id="tag_1"] [data-testid="node-stats"]');
    await expect.poll(() => tagStats.getAttribute('aria-label'), { timeout: 15_000 }).toBe('1 entered, 0 waiting, 1 passed, 0 failed');
    const goalStats = historyCanvas.locator('.react-flow__node[data-id="goal_1"] [data-testid="node-stats"]');
    await expect.poll(() => goalStats.getAttribute('aria-label'), { timeout: 15_000 }).toMatch(/^1 entered/);
    // The funnel: entries → steps → goal; a step selects its node and shows its chart.
    const funnel = history.getByRole('region', { name: 'Funnel' });
    await expect.poll(() => funnel.textContent()).toMatch(/Entries: 1.*Goal reached: 1 \(100%\)/);
    await funnel.getByRole('button', { name: /^Add \/ remove tags: 1/ }).click();
    await history.getByRole('img', { name: 'Counts for Add / remove tags' }).waitFor();
    // By keyboard: focus a node on the canvas and press Enter.
    await historyCanvas.locator('.react-flow__node[data-id="goal_1"]').focus();
    await page.keyboard.press('Enter');
    await history.getByRole('img', { name: 'Counts for Goal' }).waitFor();

    await shot(page, 'versions-stats');

    // Traditional Chinese.
    await page.getByLabel('Language').selectOption('zh-Hant');
    await historyCanvas.getByText('第 3 版(唯讀)').waitFor();
    await page.getByRole('complementary', { name: '版本紀錄' }).getByRole('region', { name: '漏斗' }).waitFor();
    await expect.poll(() => tagStats.getAttribute('aria-label')).toBe('進入 1,等待中 0,通過 1,失敗 0');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

/** OMNIFLOW_E2E_SCREENSHOTS=<dir> keeps a picture of each screen for a person to review. */
async function shot(page: Page, name: string) {
  const dir = process.env.OMNIFLOW_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

async function signIn(page: Page) {
  await page.goto(stack.url);
  await page.getByLabel('Email').fill(stack.admin.email);
  await page.getByLabel('Password').fill(stack.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A signed-in session speaking plain tRPC-over-HTTP, as another person's browser or an integration would. */
async function apiSession(base: string, who: { email: string; password: string }) {
  const res = await fetch(`${base}/trpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    async call(path: string, input: unknown): Promise<unknown> {
      const isQuery = path === 'flows.get';
      const r = isQuery
        ? await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie } })
        : await fetch(`${base}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { result: { data: unknown } }).result.data;
    },
  };
}

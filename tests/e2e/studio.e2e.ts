import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './harness.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  // The journey below writes this custom attribute; drafts are validated against the team's attributes.
  await (await apiSession(stack.url, stack.admin)).call('attributes.define', { key: 'vip_level', type: 'text', displayName: 'VIP level' });
});
afterAll(async () => {
  await stack?.close();
});

async function connect(page: Page, from: string, port: string, to: string) {
  const source = page.locator(`.react-flow__node[data-id="${from}"] .react-flow__handle[data-handleid="${port}"]`);
  const target = page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle.target`);
  const a = await source.boundingBox();
  const b = await target.boundingBox();
  if (!a || !b) throw new Error('handles not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
  await page.mouse.up();
}

describe('studio in a real browser against the real api', () => {
  it('signs in, creates a journey, builds trigger → action, validates, saves and reloads', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(stack.url);

    await page.getByLabel('Email').fill(stack.admin.email);
    await page.getByLabel('Password').fill(stack.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('button', { name: 'New journey' }).click();
    await page.getByLabel('Name').fill('Welcome VIPs');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Welcome VIPs' }).waitFor();

    const canvas = page.getByTestId('canvas');
    await page.getByLabel('Search nodes').fill('tag');
    await page.dragAndDrop('[data-type="trigger.tag_applied"]', '[data-testid="canvas"]', { targetPosition: { x: 150, y: 200 } });
    await page.getByLabel('Search nodes').fill('');
    await page.dragAndDrop('[data-type="action.set_attribute"]', '[data-testid="canvas"]', { targetPosition: { x: 550, y: 200 } });
    await expect.poll(() => canvas.locator('.react-flow__node').count()).toBe(2);

    await connect(page, 'tag_applied_1', 'next', 'set_attribute_1');
    await expect.poll(() => canvas.locator('.react-flow__edge').count()).toBe(1);
    // A node cannot connect to itself (isValidConnection); triggers have no input handle at all.
    await connect(page, 'set_attribute_1', 'next', 'set_attribute_1');
    await expect.poll(() => canvas.locator('.react-flow__edge').count()).toBe(1);
    expect(await canvas.locator('.react-flow__node[data-id="tag_applied_1"] .react-flow__handle.target').count()).toBe(0);
    // Empty required fields mark both nodes with an error.
    expect(await canvas.locator('.react-flow__node .marker.error').count()).toBe(2);

    // The action's form: an over-limit attribute key shows the counter and the error.
    await canvas.locator('.react-flow__node[data-id="set_attribute_1"]').click();
    const key = page.getByRole('textbox', { name: 'Custom attribute', exact: true });
    await key.fill('a'.repeat(65));
    await expect.poll(() => page.getByTestId('f-set_attribute_1-attributeKey-counter').textContent()).toBe('65 / 64');
    await expect.poll(() => page.locator('#f-set_attribute_1-attributeKey-error').textContent()).toContain('65');
    await key.fill('vip_level');
    await expect.poll(() => page.locator('#f-set_attribute_1-attributeKey-error').count()).toBe(0);
    await page.getByRole('textbox', { name: 'Value', exact: true }).fill('gold');

    // The trigger's tags.
    await canvas.locator('.react-flow__node[data-id="tag_applied_1"]').click();
    await page.getByRole('textbox', { name: 'Tags', exact: true }).fill('vip');
    await page.getByRole('textbox', { name: 'Tags', exact: true }).press('Enter');

    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('All changes saved');
    // Filled in: no errors left, only the warning about the unconnected "Invalid value" port.
    expect(await canvas.locator('.react-flow__node .marker.error').count()).toBe(0);
    expect(await canvas.locator('.react-flow__node[data-id="set_attribute_1"] .marker.warning').count()).toBe(1);

    await page.reload();
    await expect.poll(() => canvas.locator('.react-flow__node').count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => canvas.locator('.react-flow__edge').count()).toBe(1);
    await canvas.locator('.react-flow__node[data-id="set_attribute_1"]').click();
    expect(await page.getByRole('textbox', { name: 'Custom attribute', exact: true }).inputValue()).toBe('vip_level');
    expect(await page.getByRole('textbox', { name: 'Value', exact: true }).inputValue()).toBe('gold');

    // And the api holds the same draft.
    const flow = await stack.api.prisma.flow.findFirstOrThrow({ where: { name: 'Welcome VIPs' } });
    const graph = JSON.parse(flow.draftGraph);
    expect(graph.triggers[0].config.tags).toEqual(['vip']);
    expect(graph.edges).toEqual([expect.objectContaining({ source: 'tag_applied_1', sourcePort: 'next', target: 'set_attribute_1' })]);

    // Publishing: the unconnected "Invalid value" port is a warning, so the first try is refused and
    // lists it; confirming the warnings publishes version 1 with the chosen in-flight policy.
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Release notes').fill('First version');
    await dialog.getByLabel('Move to the new version at their next wait').check();
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await dialog.getByText('Publishing was refused').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toContain('Nothing follows');
    await dialog.getByLabel('Publish despite warnings').check();
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await dialog.getByText('Published version 1.').waitFor();
    const version = await stack.api.prisma.flowVersion.findFirstOrThrow({ where: { flowId: flow.id } });
    expect(version).toMatchObject({ number: 1, notes: 'First version', inFlightPolicy: 'move_at_next_wait' });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('never overwrites a concurrent save silently: the conflict dialog shows both and "keep mine" saves on the new revision', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(stack.url); // a new page is a new browser context: signed out
    await page.getByLabel('Email').fill(stack.admin.email);
    await page.getByLabel('Password').fill(stack.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'New journey' }).click();
    await page.getByLabel('Name').fill('Contested');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Contested' }).waitFor();
    // Keyboard-reachable palette: the "+" button adds without dragging.
    await page.getByRole('button', { name: 'Add to canvas: Add / remove tags' }).click();
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('All changes saved');

    // Someone else saves the same draft from another session.
    const other = await apiSession(stack.api.url, stack.admin);
    const flow = await stack.api.prisma.flow.findFirstOrThrow({ where: { name: 'Contested' } });
    const theirs = { ...JSON.parse(flow.draftGraph), nodes: [] };
    await other.call('flows.saveDraft', { id: flow.id, baseRevision: flow.draftRevision, graph: theirs });

    // My next edit conflicts; the dialog shows both and nothing is written until I choose.
    await page.getByRole('button', { name: 'Add to canvas: Wait' }).click();
    const dialog = page.getByRole('dialog', { name: 'Someone else changed this draft' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('2 nodes, 0 connections');
    expect(await dialog.textContent()).toContain('0 nodes, 0 connections');
    expect(await dialog.locator('section').first().textContent()).toMatch(/Only in this version.*Add \/ remove tags.*Wait/);
    const stillTheirs = await stack.api.prisma.flow.findUniqueOrThrow({ where: { id: flow.id } });
    expect(JSON.parse(stillTheirs.draftGraph).nodes).toEqual([]);

    await dialog.getByRole('button', { name: 'Keep mine' }).click();
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('All changes saved');
    const saved = await stack.api.prisma.flow.findUniqueOrThrow({ where: { id: flow.id } });
    expect(saved.draftRevision).toBe(flow.draftRevision + 2);
    expect(JSON.parse(saved.draftGraph).nodes.map((n: { type: string }) => n.type)).toEqual(['action.tag', 'wait.wait']);
    await page.close();
  });

  it('lists, searches, filters, duplicates and archives flows; edits by keyboard; speaks Traditional Chinese', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Search flows').fill('welcome');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Search flows').fill('');
    await page.getByLabel('Status').selectOption('active');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Welcome VIPs')]);
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('button', { name: 'Duplicate Contested' }).click();
    await page.getByRole('link', { name: 'Copy of Contested' }).waitFor();
    await page.getByRole('button', { name: 'Archive Copy of Contested' }).click();
    // Archived flows leave the default list and show under their status.
    await expect.poll(() => page.locator('tr', { hasText: 'Copy of Contested' }).count()).toBe(0);
    await page.getByLabel('Status').selectOption('archived');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringMatching(/Copy of Contested.*Archived/)]);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Kind').selectOption('chatbot');
    await page.getByText('No flows match.').waitFor();
    await page.getByLabel('Kind').selectOption('');

    // Keyboard: add from the palette with "+", undo and redo with Ctrl+Z / Ctrl+Shift+Z.
    await page.getByRole('link', { name: 'Contested', exact: true }).click();
    const canvas = page.getByTestId('canvas');
    await expect.poll(() => canvas.locator('.react-flow__node').count()).toBe(2);
    await page.getByRole('button', { name: 'Add to canvas: Exit' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => canvas.locator('.react-flow__node').count()).toBe(3);
    await page.getByRole('button', { name: 'Undo' }).focus();
    await page.keyboard.press('Control+z');
    await expect.poll(() => canvas.locator('.react-flow__node').count()).toBe(2);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => canvas.locator('.react-flow__node').count()).toBe(3);

    // The problems list selects the node at fault; auto-layout places nodes left to right.
    const problems = page.getByRole('region', { name: 'Problems' });
    await problems
      .getByRole('button', { name: /Tags is required|Tags: add at least one/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Add / remove tags' }).waitFor();
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    expect(await canvas.locator('.react-flow__minimap').count()).toBe(1);

    // The deployment's custom node types (root package.json omniflow.plugins) are in the palette too.
    await page.getByLabel('Search nodes').fill('nps');
    await expect.poll(() => page.locator('[data-type="acme.nps_survey"]').count()).toBe(1);
    await page.getByLabel('Search nodes').fill('');

    // A message node previews its card with the shared channel renderers.
    await page.getByRole('button', { name: 'Add to canvas: Send message' }).click();
    await page.getByRole('textbox', { name: 'Message text', exact: true }).fill('Hello {{system:customer_name}}');
    await expect.poll(() => page.getByRole('region', { name: 'Preview' }).textContent()).toContain('Hello Alex Chen');

    // Traditional Chinese: the UI dictionary and the catalogue's own labels.
    await page.getByLabel('Language').selectOption('zh-Hant');
    await page.getByRole('button', { name: '自動排版' }).waitFor();
    await page.getByRole('navigation', { name: '新增節點' }).getByText('貼標 / 移除標籤').waitFor();
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('已儲存所有變更');
    await page.close();
  });

  it('pages through a long flow list', async () => {
    const other = await apiSession(stack.api.url, stack.admin);
    for (let i = 0; i < 50; i++) await other.call('flows.create', { kind: 'journey', name: `Bulk ${i}`, channels: ['line'] });
    const page = await stack.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(52); // + Welcome VIPs and Contested; the archived copy stays hidden
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await page.close();
  });
});

async function signIn(page: Page) {
  await page.goto(stack.url);
  await page.getByLabel('Email').fill(stack.admin.email);
  await page.getByLabel('Password').fill(stack.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A second signed-in session speaking plain tRPC-over-HTTP, as another person's browser would. */
async function apiSession(base: string, who: { email: string; password: string }) {
  const res = await fetch(`${base}/trpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    async call(path: string, input: unknown) {
      const r = await fetch(`${base}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json();
    },
  };
}

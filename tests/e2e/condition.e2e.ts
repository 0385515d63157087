import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './harness.ts';

// The side panel's condition builder in a real browser against the real api: a Segment split whose
// branch is "tag has any of vip" OR "attribute member_tier equals gold", saved, drawn as a port, published.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  // Drafts are validated against the team's attributes: the condition's attribute must exist as text.
  await (await apiSession(stack.api.url, stack.admin)).call('attributes.define', { key: 'member_tier', type: 'text', displayName: 'Member tier' });
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

describe('condition builder in a real browser', () => {
  it('builds a Segment split condition (tag OR attribute), shows the branch port and publishes; edits Flex JSON with live errors and preview', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(stack.url);
    await page.getByLabel('Email').fill(stack.admin.email);
    await page.getByLabel('Password').fill(stack.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'New journey' }).click();
    await page.getByLabel('Name').fill('Tiers');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Tiers' }).waitFor();

    const canvas = page.getByTestId('canvas');
    await page.getByLabel('Search nodes').fill('tag');
    await page.dragAndDrop('[data-type="trigger.tag_applied"]', '[data-testid="canvas"]', { targetPosition: { x: 150, y: 200 } });
    await page.getByLabel('Search nodes').fill('');
    await page.dragAndDrop('[data-type="logic.split"]', '[data-testid="canvas"]', { targetPosition: { x: 550, y: 200 } });
    await expect.poll(() => canvas.locator('.react-flow__node').count()).toBe(2);
    const trigger = (await canvas.locator('.react-flow__node[data-id^="tag_applied"]').getAttribute('data-id')) as string;
    const split = (await canvas.locator('.react-flow__node[data-id^="split"]').getAttribute('data-id')) as string;
    await connect(page, trigger, 'next', split);
    await expect.poll(() => canvas.locator('.react-flow__edge').count()).toBe(1);

    await canvas.locator(`.react-flow__node[data-id="${trigger}"]`).click();
    await page.getByRole('textbox', { name: 'Tags', exact: true }).fill('vip');
    await page.getByRole('textbox', { name: 'Tags', exact: true }).press('Enter');

    // The split's branch: name, then the condition, built with the keyboard-usable controls.
    await canvas.locator(`.react-flow__node[data-id="${split}"]`).click();
    await page.getByRole('textbox', { name: 'Branch name', exact: true }).fill('VIP');
    const c = `#f-${split}-branches-0-condition`;
    // An empty group is an error the validator reports on the group.
    await expect.poll(() => page.locator(`${c}-error`).textContent()).toBe('Add at least one condition.');
    await page.locator(`${c}-op`).selectOption({ label: 'Any of these' });
    await page.getByRole('button', { name: 'Add a condition' }).click();
    await page.locator(`${c}-items-0-kind`).selectOption({ label: 'Tags' });
    await page.locator(`${c}-items-0-tags`).fill('vip');
    await page.locator(`${c}-items-0-tags`).press('Enter');
    await page.getByRole('button', { name: 'Add a condition' }).click();
    await page.locator(`${c}-items-1-kind`).selectOption({ label: 'Custom attribute' });
    // The attribute picker suggests the team's attributes (loaded from the api).
    await expect.poll(() => page.locator(`${c}-items-1-keys option`).evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual(['member_tier']);
    await page.locator(`${c}-items-1-key`).fill('member_tier');
    // Text operators only for a text attribute; the value is still missing: the row says so.
    expect(await page.locator(`${c}-items-1-op option`).allTextContents()).toEqual([
      'is',
      'is not',
      'contains',
      'does not contain',
      'has a value',
      'has no value',
    ]);
    await expect.poll(() => page.locator(`${c}-items-1-error`).textContent()).toBe('Enter the text to compare with.');
    await page.locator(`${c}-items-1-value`).fill('gold');
    await expect.poll(() => page.locator(`${c}-items-1-error`).count()).toBe(0);
    await expect.poll(() => page.locator(`${c}-error`).count()).toBe(0);

    // The branch is a port on the canvas, named after it.
    const port = canvas.locator(`.react-flow__node[data-id="${split}"] .react-flow__handle[data-handleid="branch:branch1"]`);
    await expect.poll(() => port.count()).toBe(1);
    await expect.poll(() => canvas.locator(`.react-flow__node[data-id="${split}"]`).textContent()).toContain('VIP');
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('All changes saved');
    expect(await canvas.locator('.react-flow__node .marker.error').count()).toBe(0);

    const flow = await stack.api.prisma.flow.findFirstOrThrow({ where: { name: 'Tiers' } });
    const graph = JSON.parse(flow.draftGraph);
    const node = graph.nodes.find((n: { id: string }) => n.id === split);
    expect(node.config.branches[0].condition).toEqual({
      op: 'or',
      items: [
        { criterion: 'tag', op: 'hasAny', tags: ['vip'] },
        { criterion: 'attribute', key: 'member_tier', type: 'text', op: 'equals', value: 'gold' },
      ],
    });

    // Publish: no errors; the unconnected branch ports are only warnings, confirmed.
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    const outcome = await Promise.race([
      dialog
        .getByText('Published version 1.')
        .waitFor()
        .then(() => 'published' as const),
      dialog
        .getByText('Publishing was refused')
        .waitFor()
        .then(() => 'refused' as const),
    ]);
    if (outcome === 'refused') {
      expect(await dialog.getByRole('alert').textContent()).not.toMatch(/condition|Enter the|Add at least/);
      await dialog.getByLabel('Publish despite warnings').check();
      await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
      await dialog.getByText('Published version 1.').waitFor();
    }
    const version = await stack.api.prisma.flowVersion.findFirstOrThrow({ where: { flowId: flow.id } });
    expect(version.number).toBe(1);

    // The Flex JSON editor: invalid JSON stays in the box with its line/column and is not saved; valid
    // JSON reaches the graph and the channel preview beside the form.
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('button', { name: 'Add to canvas: LINE Flex Message' }).click();
    await expect.poll(() => canvas.locator('.react-flow__node[data-id^="line_flex"]').count()).toBe(1);
    const flexId = (await canvas.locator('.react-flow__node[data-id^="line_flex"]').getAttribute('data-id')) as string;
    await canvas.locator(`.react-flow__node[data-id="${flexId}"]`).click();
    const json = page.locator(`#f-${flexId}-contents`);
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.waitFor();
    await json.fill('{\n  "type": "bubble",\n  "body": {"type": "box" "layout": "vertical"}\n}');
    await expect.poll(() => page.locator(`#f-${flexId}-contents-error`).textContent()).toContain('line 3, column 26');
    expect(await json.inputValue()).toContain('"box" "layout"');
    await json.fill(JSON.stringify({ type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Hello from e2e' }] } }));
    await expect.poll(() => preview.textContent()).toContain('Hello from e2e');
    await expect.poll(() => page.locator(`#f-${flexId}-contents-error`).count()).toBe(0);
    await page.getByRole('button', { name: 'Format' }).click();
    expect(await json.inputValue()).toContain('\n  "type": "bubble"');
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('All changes saved');
    const saved = JSON.parse((await stack.api.prisma.flow.findUniqueOrThrow({ where: { id: flow.id } })).draftGraph);
    expect(saved.nodes.find((n: { id: string }) => n.id === flexId).config.contents.body.contents[0].text).toBe('Hello from e2e');

    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

/** A signed-in api session speaking plain tRPC-over-HTTP (to define the team's attribute). */
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

import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './harness.ts';

// The chatbot module editor and the simulator in Debian's Chromium against the real server: the page
// is served by the api itself (studio at /, tRPC, and the web chat simulator socket on one origin).

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function signIn(page: Page) {
  await page.goto(stack.api.url);
  try {
    await page.getByLabel('Email').waitFor({ timeout: 10_000 });
  } catch (e) {
    // Seen once or twice on a loaded machine: keep what the page showed for the next person.
    console.error('The sign-in form did not appear; the page was:', (await page.content()).slice(0, 4000));
    throw e;
  }
  await page.getByLabel('Email').fill(stack.admin.email);
  await page.getByLabel('Password').fill(stack.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A second signed-in session speaking plain tRPC-over-HTTP. */
async function apiSession(who: { email: string; password: string }) {
  const base = stack.api.url;
  const res = await fetch(`${base}/trpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    async call(path: string, input: unknown) {
      const r = await fetch(`${base}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { result: { data: Record<string, unknown> } };
    },
  };
}

/** The socket cannot connect: every WebSocket closes at once, as behind a proxy that drops upgrades. */
async function socketDown(page: Page) {
  await page.addInitScript(() => {
    class DownSocket {
      readyState = 3;
      onopen: unknown = null;
      onmessage: unknown = null;
      onerror: ((e: unknown) => void) | null = null;
      onclose: ((e: unknown) => void) | null = null;
      constructor() {
        setTimeout(() => this.onclose?.({ code: 1006 }), 20);
      }
      send() {}
      close() {}
    }
    (globalThis as unknown as { WebSocket: unknown }).WebSocket = DownSocket;
  });
}

describe('chatbot module editor and simulator', () => {
  it('builds a two-module keyword bot, publishes it, and chats with it in the simulator', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1500, height: 950 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page);

    await page.getByRole('button', { name: 'New chatbot' }).click();
    await page.getByLabel('Name').fill('Coffee bot');
    await page.getByLabel('Platform').selectOption('web');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Coffee bot' }).waitFor();

    // Module 1 (the entry module "Welcome"): a quick reply with one option.
    await page.getByLabel('Search cards').fill('quick');
    await page.locator('.bot-card-palette [data-type="message.quick_reply"]').click();
    // An empty quick reply is a problem: marked on the card, listed, and the list jumps to the card.
    await expect.poll(() => page.getByTestId('bot-card').first().getByTestId('bot-marker').count()).toBe(1);
    await page.getByRole('button', { name: 'Cards', exact: true }).focus();
    await page.getByRole('region', { name: 'Problems' }).getByRole('button').first().click();
    await page.getByRole('heading', { name: 'Quick reply' }).waitFor();
    expect(await page.getByTestId('bot-card').first().getAttribute('class')).toContain('selected');
    await page.getByRole('textbox', { name: 'Message text', exact: true }).fill('What would you like?');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('textbox', { name: 'Option label', exact: true }).fill('Prices');
    // The card previews as web chat draws it, in the module's card list.
    await expect.poll(() => page.getByTestId('bot-card').first().textContent()).toContain('What would you like?');

    // Module 2: a text card.
    await page.getByRole('button', { name: '+ Add module' }).click();
    await page.getByLabel('Module name').fill('Prices');
    await page.getByLabel('Search cards').fill('');
    await page.locator('.bot-card-palette [data-type="message.text"]').click();
    await page.getByRole('textbox', { name: 'Message text', exact: true }).fill('Coffee is 3 euros.');
    await expect.poll(() => page.getByTestId('bot-module-item').count()).toBe(2);
    // Undo: first the typing (one step), then the card; redo brings both back.
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page.getByTestId('bot-card').first().textContent()).not.toContain('Coffee is 3 euros.');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page.getByTestId('bot-card').count()).toBe(0);
    await page.getByRole('button', { name: 'Redo' }).click();
    await page.getByRole('button', { name: 'Redo' }).click();
    await expect.poll(() => page.getByTestId('bot-card').first().textContent()).toContain('Coffee is 3 euros.');

    // The quick reply's option leads to module 2: drawn on the flowchart, from the option's handle to the module.
    await page.getByRole('button', { name: 'Flowchart' }).click();
    const flowchart = page.getByTestId('bot-canvas');
    await expect.poll(() => flowchart.getByTestId('bot-flow-module').count()).toBe(2);
    const from = await flowchart.locator('[data-testid^="port-quick_reply_1-option:"]').boundingBox();
    const to = await flowchart.locator('.react-flow__node[data-id="m_1"] .react-flow__handle.target').boundingBox();
    if (!from || !to) throw new Error('handles not visible');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
    await page.mouse.up();
    await expect.poll(() => flowchart.locator('.react-flow__edge').count()).toBe(1);
    // The card's form shows the same target in its module picker.
    await page.getByRole('button', { name: 'Cards', exact: true }).click();
    await page.getByTestId('bot-module-item').first().getByRole('button').first().click();
    await page.getByTestId('bot-card').first().locator('.bot-card-title').click();
    expect(await page.locator('select[data-port^="option:"] option:checked').textContent()).toBe('Prices');

    // A keyword trigger: "coffee" opens the entry module.
    await page.getByLabel('Add trigger').selectOption({ label: 'Keyword' });
    await page.locator('.bot-add-trigger button').click();
    const keywords = page.getByRole('textbox', { name: 'Keywords', exact: true });
    await keywords.fill('coffee');
    await keywords.press('Enter');
    await page.locator('select[data-port="next"]').selectOption({ label: 'Welcome' });
    await expect.poll(() => page.getByTestId('bot-trigger').first().textContent()).toContain('coffee → Welcome');

    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('All changes saved');
    const flow = await stack.api.prisma.flow.findFirstOrThrow({ where: { name: 'Coffee bot' } });
    const graph = JSON.parse(flow.draftGraph);
    expect(graph.modules.map((m: { name: string }) => m.name)).toEqual(['Welcome', 'Prices']);
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: graph.triggers[0].id, sourcePort: 'next', target: 'welcome' }),
        expect.objectContaining({ source: graph.modules[0].cards[0].id, sourcePort: expect.stringMatching(/^option:/), target: graph.modules[1].id }),
      ]),
    );

    // Publish (the unconnected timeout / free-text ports are warnings to confirm).
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    const outcome = await Promise.race([
      dialog
        .getByText('Published version 1.')
        .waitFor()
        .then(() => 'published'),
      dialog
        .getByText('Publishing was refused')
        .waitFor()
        .then(() => 'refused'),
    ]);
    if (outcome === 'refused') {
      await dialog.getByLabel('Publish despite warnings').check();
      await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
      await dialog.getByText('Published version 1.').waitFor();
    }
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The simulator: say the keyword, press the quick reply, see module 2's card.
    await page.getByRole('button', { name: 'Simulate' }).click();
    const sim = page.getByTestId('simulator');
    await expect.poll(() => sim.getByTestId('sim-status').textContent(), { timeout: 10_000 }).toBe('Connected');
    await sim.getByRole('textbox', { name: 'Type a message' }).fill('coffee');
    await sim.getByRole('button', { name: 'Send' }).click();
    await sim.getByText('What would you like?').waitFor();
    await sim.locator('.sim-quick-reply', { hasText: 'Prices' }).click();
    await sim.getByText('Coffee is 3 euros.').waitFor();
    // Each step is listed with its explanation, and the path lights up in the module list.
    await expect.poll(() => sim.getByTestId('sim-steps').locator('li').count()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('.bot-module-item.sim-lit').count()).toBe(2);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('chats with the example keyword bot to the hand-off', async () => {
    // The example as first start seeds it: a draft of examples/flows/keyword-bot.chatbot.json.
    const admin = await apiSession(stack.admin);
    await admin.call('attributes.define', { key: 'newsletter_email', type: 'text' });
    const created = (await admin.call('flows.create', { kind: 'chatbot', name: 'Shop keyword bot (example)', scope: 'line' })).result.data;
    const example = JSON.parse(readFileSync(new URL('../../examples/flows/keyword-bot.chatbot.json', import.meta.url), 'utf8'));
    await admin.call('flows.saveDraft', { id: created.id, baseRevision: created.draftRevision, graph: example });

    const page = await stack.browser.newPage({ viewport: { width: 1500, height: 950 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page);
    await page.getByRole('link', { name: 'Shop keyword bot (example)' }).click();
    await page.getByRole('heading', { name: 'Shop keyword bot (example)' }).waitFor();
    // Its modules, in order, with the entry module's cards previewed on LINE.
    await expect.poll(() => page.getByTestId('bot-module-item').count()).toBe(7);
    await expect.poll(() => page.getByTestId('bot-card').count()).toBe(2);
    // Tapping a quick reply in the preview follows it to its module, and back via the module list.
    await page.getByTestId('bot-card').nth(1).getByRole('button', { name: 'Opening hours' }).click();
    await expect.poll(() => page.getByLabel('Module name').inputValue()).toBe('Opening hours');
    await page.getByTestId('bot-module-item').first().getByRole('button').first().click();
    await expect.poll(() => page.getByLabel('Module name').inputValue()).toBe('Welcome');

    await page.getByRole('button', { name: 'Simulate' }).click();
    const sim = page.getByTestId('simulator');
    await expect.poll(() => sim.getByTestId('sim-status').textContent(), { timeout: 10_000 }).toBe('Connected');
    await sim.getByRole('textbox', { name: 'Type a message' }).fill('hello');
    await sim.getByRole('button', { name: 'Send' }).click();
    await sim.getByText('What can I do for you?').waitFor();
    await sim.locator('.sim-quick-reply', { hasText: 'Talk to a person' }).click();
    await sim.getByTestId('sim-handoff').waitFor();
    const steps = await sim.getByTestId('sim-steps').textContent();
    expect(steps).toContain('Live agent');
    await expect.poll(() => page.locator('.bot-module-item.sim-lit[data-module-id="m_agent"]').count()).toBe(1);
    // The flowchart: a node per module and per trigger, an edge per connection, the path lit.
    await page.getByRole('button', { name: 'Flowchart' }).click();
    const flowchart = page.getByTestId('bot-canvas');
    await expect.poll(() => flowchart.getByTestId('bot-flow-module').count()).toBe(10);
    await expect.poll(() => flowchart.locator('.react-flow__edge').count()).toBe(12);
    expect(await flowchart.locator('.bot-flow-module.sim-lit').count()).toBeGreaterThanOrEqual(2);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
  it('runs the abandoned-cart journey for a test contact from its trigger, fast-forwarding the wait on a virtual clock', async () => {
    const admin = await apiSession(stack.admin);
    const created = (await admin.call('flows.create', { kind: 'journey', name: 'Abandoned cart (example)', channels: ['line'] })).result.data;
    const example = JSON.parse(readFileSync(new URL('../../examples/flows/abandoned-cart.journey.json', import.meta.url), 'utf8'));
    await admin.call('flows.saveDraft', { id: created.id, baseRevision: created.draftRevision, graph: example });

    const page = await stack.browser.newPage({ viewport: { width: 1500, height: 950 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page);
    await page.getByRole('link', { name: 'Abandoned cart (example)' }).click();
    await page.getByRole('heading', { name: 'Abandoned cart (example)' }).waitFor();
    await page.getByRole('button', { name: 'Simulate' }).click();
    const sim = page.getByTestId('simulator');
    await sim.getByLabel('Test contact tags (comma separated)').fill('cart_abandoned');
    await sim.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => sim.getByTestId('sim-status').textContent(), { timeout: 10_000 }).toBe('Connected');
    // The contact waits at the one-hour wait; the clock has not moved.
    await expect.poll(() => sim.getByTestId('sim-steps').textContent()).toMatch(/waiting/);
    const before = await sim.getByTestId('sim-clock').textContent();
    await expect.poll(() => page.locator('.react-flow__node.sim-lit').count()).toBeGreaterThanOrEqual(1);

    await sim.getByRole('button', { name: /Fast-forward/ }).click();
    await expect.poll(() => sim.getByTestId('sim-clock').textContent()).not.toBe(before);
    await expect.poll(() => sim.getByTestId('sim-steps').textContent()).toContain('Wait over');
    // No purchase tag: the coupon is next, held by the journey's quiet hours; each fast-forward jumps
    // to the next due time until the CAPI event is sent and the run ends.
    // The run is over once the last exit ("Reminded") has run.
    const steps = sim.getByTestId('sim-steps');
    for (let i = 0; i < 4 && !(await steps.textContent())?.includes('Reminded'); i++) {
      const clock = await sim.getByTestId('sim-clock').textContent();
      await sim.getByRole('button', { name: /Fast-forward/ }).click();
      await expect.poll(() => sim.getByTestId('sim-clock').textContent()).not.toBe(clock);
    }
    await expect.poll(() => steps.textContent()).toContain('Reminded');
    // A step in the list centres its node on the canvas (which draws only what is in view), lit.
    await steps.getByRole('button', { name: 'Reminded' }).click();
    await expect.poll(() => page.locator('.react-flow__node.sim-lit[data-id="finish"]').count()).toBe(1);
    expect(await sim.getByTestId('sim-steps').textContent()).toMatch(/Quiet hours/);
    for (const name of ['Flex coupon', 'Tell Meta: checkout nudged']) {
      await steps.getByRole('button', { name }).first().click();
      await expect.poll(() => page.locator('.react-flow__node.sim-lit.selected, .react-flow__node.selected.sim-lit').count()).toBe(1);
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });
  it('falls back to a batch run when the simulator socket is down, fast-forwarding by re-running to the next due time', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1500, height: 950 } });
    await socketDown(page);
    await signIn(page);
    await page.getByRole('link', { name: 'Abandoned cart (example)' }).click();
    await page.getByRole('heading', { name: 'Abandoned cart (example)' }).waitFor();
    await page.getByRole('button', { name: 'Simulate' }).click();
    const sim = page.getByTestId('simulator');
    await sim.getByLabel('Test contact tags (comma separated)').fill('cart_abandoned');
    await sim.getByRole('button', { name: 'Run', exact: true }).click();
    await sim.getByText('The simulator connection is closed.').waitFor();
    await sim.getByRole('button', { name: 'Run without the live connection' }).click();
    await expect.poll(() => sim.getByTestId('sim-status').textContent()).toBe('Offline run');
    await expect.poll(() => sim.getByTestId('sim-clock').textContent()).toContain('2025-01-06 09:00');
    await expect.poll(() => sim.getByTestId('sim-steps').textContent()).toMatch(/waiting/);
    // The run is over once the last exit ("Reminded") has run.
    const steps = sim.getByTestId('sim-steps');
    for (let i = 0; i < 4 && !(await steps.textContent())?.includes('Reminded'); i++) {
      const clock = await sim.getByTestId('sim-clock').textContent();
      await sim.getByRole('button', { name: /Fast-forward/ }).click();
      await expect.poll(() => sim.getByTestId('sim-clock').textContent()).not.toBe(clock);
    }
    await expect.poll(() => steps.textContent()).toContain('Reminded');
    // A step in the list centres its node on the canvas (which draws only what is in view), lit.
    await steps.getByRole('button', { name: 'Reminded' }).click();
    await expect.poll(() => page.locator('.react-flow__node.sim-lit[data-id="finish"]').count()).toBe(1);
    // The coupon is drawn as a message; the Conversions API event reads as a sentence.
    await expect.poll(() => sim.locator('.sim-msg.bot[data-node-type="message.line_flex"]').count()).toBe(1);
    await sim.getByText(/Meta Conversions API event/).waitFor();
    await page.close();
  });
  it('chats with the example bot through batch runs when the socket is down, to the hand-off', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1500, height: 950 } });
    await socketDown(page);
    await signIn(page);
    await page.getByRole('link', { name: 'Shop keyword bot (example)' }).click();
    await page.getByRole('button', { name: 'Simulate' }).click();
    const sim = page.getByTestId('simulator');
    await sim.getByRole('button', { name: 'Run without the live connection' }).click();
    await expect.poll(() => sim.getByTestId('sim-status').textContent()).toBe('Offline run');
    // The conversation opens at the bot's entry; its quick replies are real buttons that answer the wait.
    await sim.getByText('What can I do for you?').waitFor();
    await sim.locator('.sim-quick-reply', { hasText: 'Opening hours' }).click();
    await sim.getByText('We are open 10:00–21:00 every day.').waitFor();
    // A button of a card that does not wait still routes: back to the menu, then to a person.
    await sim.locator('.sim-button', { hasText: 'Back to menu' }).click();
    await expect.poll(() => sim.getByText('What can I do for you?').count()).toBe(2);
    await sim.locator('.sim-quick-reply', { hasText: 'Talk to a person' }).click();
    await sim.getByTestId('sim-handoff').waitFor();
    expect(await sim.locator('.sim-msg.me').allTextContents()).toEqual(['Opening hours', 'Back to menu', 'Talk to a person']);
    await expect.poll(() => page.locator('.bot-module-item.sim-lit[data-module-id="m_agent"]').count()).toBe(1);
    // Restart: a fresh conversation from the entry, the path cleared.
    await sim.getByRole('button', { name: 'Restart' }).click();
    await expect.poll(() => sim.locator('.sim-msg.me').count()).toBe(0);
    await expect.poll(() => sim.getByText('What can I do for you?').count()).toBe(1);
    expect(await page.locator('.bot-module-item.sim-lit[data-module-id="m_agent"]').count()).toBe(0);
    await page.close();
  });
});

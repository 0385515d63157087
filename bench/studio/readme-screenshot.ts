// `npx tsx bench/studio/readme-screenshot.ts [out.png]`: the README's picture of the studio — the
// seeded abandoned-cart journey open on the canvas with a node's form, from a fresh data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@omniflow/api';
import { chromium } from 'playwright-core';

const out = process.argv[2] ?? new URL('../../docs/studio.png', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-shot-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, seedExamples: true });
const browser = await chromium.launch({
  executablePath: process.env.OMNIFLOW_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const admin = server.firstAdmin;
  if (!admin) throw new Error('a fresh data directory creates the first admin');
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
  await page.goto(server.url);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Abandoned cart (example)').first().click();
  await page.getByRole('heading', { name: 'Abandoned cart (example)' }).waitFor();
  await page.locator('.react-flow__node').first().waitFor();
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await page.waitForTimeout(400);
  // Fit leaves the horizontal layout small on a laptop-sized window: one step closer.
  await page.locator('.react-flow__controls-zoomin').click();
  await page.waitForTimeout(600);
  // Select the Flex coupon so the side panel shows a generated form with its live counters.
  await page
    .locator('.react-flow__node', { hasText: /coupon/i })
    .first()
    .click();
  await page.waitForTimeout(800);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}

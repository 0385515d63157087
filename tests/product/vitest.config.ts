import { defineConfig } from 'vitest/config';

// The capstone: the product started exactly as the README says (`npm start`), driven in headless Chromium.
// Building the studio and the first start take a while on a small machine: generous timeouts.
export default defineConfig({
  test: { include: ['**/*.e2e.ts'], testTimeout: 300_000, hookTimeout: 420_000, fileParallelism: false },
});

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

const dirname = path.dirname(fileURLToPath(import.meta.url));

/** A fresh browser config per project (Vitest names the instances in place). */
const browser = () => ({
  enabled: true,
  headless: true,
  provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
  instances: [{ browser: 'chromium' as const }],
  viewport: { width: 1280, height: 900 },
});

// Every story as a browser test (render + play function) in Vitest browser mode, plus the Flex
// screenshot tests, all in headless Debian Chromium. Run from the repo root: `npm run test:stories`.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        plugins: [storybookTest({ configDir: dirname })],
        test: {
          name: 'storybook',
          browser: browser(),
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: { name: 'flex-screenshots', include: ['src/**/*.browser.test.tsx'], browser: browser() },
      },
    ],
  },
});

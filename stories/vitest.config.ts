import { defineConfig } from 'vitest/config';

// Node-only tests of the stories package (no browser): story coverage of the node catalogue.
// The browser run is vitest.storybook.config.ts (`npm run test:stories`).
export default defineConfig({
  test: { name: 'stories-node', environment: 'node', include: ['src/**/*.test.ts'] },
});

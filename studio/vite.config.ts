import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// The studio talks to the api at /trpc on its own origin (the session cookie is same-site).
// In development Vite proxies /trpc to the api: OMNIFLOW_API_URL, default http://localhost:3000.
const api = process.env.OMNIFLOW_API_URL ?? 'http://localhost:3000';

/** The deployment's node plugins, as the api loads them: the root package.json's omniflow.plugins and OMNIFLOW_PLUGINS. */
function pluginSpecifiers(): string[] {
  const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { omniflow?: { plugins?: unknown } };
  const fromRoot = Array.isArray(root.omniflow?.plugins) ? root.omniflow.plugins.filter((p): p is string => typeof p === 'string') : [];
  const fromEnv = (process.env.OMNIFLOW_PLUGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...new Set([...fromRoot, ...fromEnv])];
}

/**
 * `virtual:omniflow-catalogue`: the built-in catalogue plus the deployment's custom node types,
 * bundled at build time so palette, forms and ports match what the api validates with.
 */
function omniflowCatalogue(): Plugin {
  const id = 'virtual:omniflow-catalogue';
  return {
    name: 'omniflow-catalogue',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(loaded) {
      if (loaded !== `\0${id}`) return undefined;
      const specs = pluginSpecifiers();
      return [
        `import { builtinCatalogue } from '@omniflow/nodes';`,
        ...specs.map((s, i) => `import * as p${i} from ${JSON.stringify(s)};`),
        `const modules = [${specs.map((_, i) => `p${i}`).join(', ')}];`,
        'export const pluginNames = ' + JSON.stringify(specs) + ';',
        'export const catalogue = builtinCatalogue().with(...modules.flatMap((m) => m.nodes ?? m.default?.nodes ?? []));',
      ].join('\n');
    },
  };
}

export default defineConfig({
  plugins: [react(), omniflowCatalogue()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: { proxy: { '/trpc': { target: api, changeOrigin: false }, '/webchat': { target: api, changeOrigin: false, ws: true } } },
  preview: { proxy: { '/trpc': { target: api, changeOrigin: false } } },
  test: { include: ['src/**/*.test.{ts,tsx}'] },
});

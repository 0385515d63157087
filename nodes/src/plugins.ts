import type { Catalogue } from './catalogue.ts';
import type { AnyNodeDefinition } from './define.ts';
import { builtinCatalogue } from './node-types/index.ts';

/**
 * A node plugin is an ES module exporting `nodes`: an array of `defineNode` results. Deployments
 * list plugins by module specifier (package name or file URL) in OMNIFLOW_PLUGINS or the root
 * package.json's `omniflow.plugins`.
 */
export interface NodePlugin {
  nodes: readonly AnyNodeDefinition[];
}

function isDefinition(value: unknown): value is AnyNodeDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.version === 'number' && typeof v.ports === 'function' && typeof v.config === 'object';
}

/** Imports plugin modules and returns the built-in catalogue extended with their node types. */
export async function loadCatalogue(pluginSpecifiers: readonly string[] = []): Promise<Catalogue> {
  const extra: AnyNodeDefinition[] = [];
  for (const specifier of pluginSpecifiers) {
    const mod = (await import(/* @vite-ignore */ specifier)) as Partial<NodePlugin> & { default?: Partial<NodePlugin> };
    const nodes = mod.nodes ?? mod.default?.nodes;
    if (!Array.isArray(nodes) || !nodes.every(isDefinition)) {
      throw new Error(`Plugin "${specifier}" must export \`nodes\`: an array of defineNode(...) results`);
    }
    extra.push(...nodes);
  }
  return builtinCatalogue().with(...extra);
}

/** Plugin specifiers from OMNIFLOW_PLUGINS (comma-separated). */
export function pluginsFromEnv(env: Record<string, string | undefined> = process.env): string[] {
  return (env.OMNIFLOW_PLUGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Plugin specifiers listed under `omniflow.plugins` in `dir`/package.json (the deployment's own). */
export function pluginsFromPackageJson(dir: string = process.cwd()): string[] {
  try {
    // Looked up at call time, not imported, so this package still loads in a browser (studio, Storybook).
    const fs = process.getBuiltinModule('node:fs');
    const pkg = JSON.parse(fs.readFileSync(`${dir.replace(/\/$/, '')}/package.json`, 'utf8')) as { omniflow?: { plugins?: unknown } };
    const list = pkg.omniflow?.plugins;
    return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

declare module 'virtual:omniflow-catalogue' {
  import type { Catalogue } from '@omniflow/nodes';
  /** Built-in node types plus the deployment's plugins (see vite.config.ts). */
  export const catalogue: Catalogue;
  export const pluginNames: string[];
}

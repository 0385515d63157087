// `omniflow catalogue` and `npm run catalogue`: lists every node and trigger type.
import { parseArgs } from 'node:util';
import { describeNodeType } from '../describe.ts';
import { loadCatalogue, pluginsFromEnv, pluginsFromPackageJson } from '../plugins.ts';

export const CATALOGUE_HELP = `Usage: omniflow catalogue [--json] [--plugin <module>]...

Lists every node and trigger type the catalogue knows: built-ins plus plugins given with
--plugin, in OMNIFLOW_PLUGINS (comma-separated module specifiers) or under
"omniflow.plugins" in the package.json of the current directory.

  --json     print a JSON array, one object per type
  --plugin   load a node plugin module (repeatable)`;

/** Runs the command with its arguments (after the command name); returns the exit code. */
export async function catalogueCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      plugin: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(CATALOGUE_HELP);
    return 0;
  }
  const catalogue = await loadCatalogue([...new Set([...pluginsFromPackageJson(), ...pluginsFromEnv(), ...(values.plugin ?? [])])]);
  const summaries = catalogue.list().map(describeNodeType);

  if (values.json) {
    process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
  } else {
    const rows = summaries.map((s) => [
      s.type,
      `v${s.version}`,
      s.category,
      s.flowKinds.join(','),
      s.channels === 'any' ? 'any' : s.channels.join(','),
      s.ports.map((p) => p.id).join(' ') || (s.terminal ? '(ends)' : '—'),
    ]);
    const header = ['TYPE', 'VER', 'CATEGORY', 'FLOWS', 'CHANNELS', 'PORTS (default config)'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    console.log(`\n${summaries.length} node types`);
  }
  return 0;
}

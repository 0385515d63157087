import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (...args: string[]) => execFileSync('npm', ['run', '-s', 'catalogue', '--', ...args], { cwd: root, encoding: 'utf8' });

// Each case spawns npm and tsx, which takes seconds on a loaded CI machine.
describe('npm run catalogue', { timeout: 60_000 }, () => {
  const list = JSON.parse(run('--json')) as Record<string, unknown>[];

  it('prints every node and trigger type as JSON, with the fields tools rely on', () => {
    expect(list.length).toBeGreaterThanOrEqual(57);
    for (const entry of list) {
      expect(entry).toEqual(
        expect.objectContaining({
          type: expect.stringMatching(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/),
          category: expect.stringMatching(/^(trigger|message|logic|wait|action|flow)$/),
          flowKinds: expect.any(Array),
          ports: expect.any(Array),
          version: expect.any(Number),
        }),
      );
      expect(entry.channels === 'any' || Array.isArray(entry.channels)).toBe(true);
    }
    const types = list.map((e) => e.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it('includes the custom node plugin listed in package.json, with its ports', () => {
    const nps = list.find((e) => e.type === 'acme.nps_survey') as { ports: { id: string }[] } | undefined;
    expect(nps?.ports.map((p) => p.id)).toEqual(['promoter', 'passive', 'detractor', 'timeout']);
  });

  it('prints a readable table without --json', () => {
    const table = run();
    expect(table).toMatch(/^TYPE\s+VER\s+CATEGORY/);
    expect(table).toMatch(/trigger\.tag_applied\s+v1\s+trigger/);
    expect(table.trim()).toMatch(/\d+ node types$/);
  });
});

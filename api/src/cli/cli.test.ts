import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../server.ts';

// The `omniflow` command as an operator runs it: a real process on a real data directory. Each run
// compiles the TypeScript sources with tsx, so the tests get minutes, not the default seconds.

const run = promisify(execFile);
const BIN = new URL('../../bin/omniflow.mjs', import.meta.url).pathname;
const EXAMPLE = new URL('../../../examples/flows/keyword-bot.chatbot.json', import.meta.url).pathname;
let dataDir: string;
let work: string;

async function omniflow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, OMNIFLOW_DATA_DIR: dataDir, INIT_CWD: work },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'omniflow-cli-'));
  dataDir = join(work, 'data');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('omniflow CLI', { timeout: 180_000 }, () => {
  it('answers --help for every command and names a bad flag in one line', async () => {
    const top = await omniflow('--help');
    expect(top.code).toBe(0);
    for (const command of ['start', 'worker', 'migrate', 'import', 'export', 'catalogue']) expect(top.stdout).toContain(command);
    for (const command of ['import', 'export']) {
      const help = await omniflow(command, '--help');
      expect(help.code, command).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Usage: omniflow ${command}`));
    }
    const worker = await omniflow('worker');
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain('TEMPORAL_ADDRESS is not set');
    const bad = await omniflow('export', '--nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--nope');
  });

  it('migrates an empty data directory, then says it is up to date', async () => {
    const first = await omniflow('migrate');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ migration\(s\)/);
    expect((await omniflow('migrate')).stdout).toContain('is up to date');
  });

  it('imports a flow file, exports every flow, and imports contacts with a progress report', async () => {
    expect((await omniflow('import', EXAMPLE)).stderr).toContain('No admin account');
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, engine: false });
    await server.close();

    const imported = await omniflow('import', EXAMPLE, '--name', 'CLI bot');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/draft "CLI bot" \(chatbot, id \S+\)/);

    const out = join(work, 'exported');
    const exported = await omniflow('export', '--all', '--versions', '--out', out);
    expect(exported.code).toBe(0);
    const files = readdirSync(out);
    expect(files).toContain('cli-bot.flow.json');
    const doc = JSON.parse(readFileSync(join(out, 'cli-bot.flow.json'), 'utf8'));
    expect(doc).toMatchObject({ format: 'omniflow.flow', flow: { name: 'CLI bot', kind: 'chatbot' }, versions: [] });
    const single = await omniflow('export', 'CLI bot');
    expect(JSON.parse(single.stdout).flow.name).toBe('CLI bot');

    const broken = join(work, 'broken.json');
    writeFileSync(broken, '{"formatVersion": 2, "kind": "journey"');
    const refused = await omniflow('import', broken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not JSON');

    const csv = join(work, 'contacts.csv');
    writeFileSync(csv, ['Member ID,Name,Email', 'm1,Ada,ada@example.com', 'm2,Bob,not-an-email', 'm3,Cy,cy@example.com'].join('\n'));
    const contacts = await omniflow('import', '--contacts', csv);
    expect(contacts.stderr).toMatch(/contacts\.csv: .*done: 2 created, 0 updated, 1 failed of 3/);
    expect(contacts.stderr).toMatch(/row 2/);
    expect(contacts.code).toBe(1);
  });

  it('lists the catalogue as JSON', async () => {
    const listed = await omniflow('catalogue', '--json');
    expect(listed.code).toBe(0);
    const types = JSON.parse(listed.stdout) as { type: string }[];
    expect(types.map((t) => t.type)).toContain('message.text');
  });
});

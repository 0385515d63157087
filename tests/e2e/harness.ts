import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, startServer } from '@omniflow/api';
import { type Browser, chromium } from 'playwright-core';

const STUDIO = fileURLToPath(new URL('../../studio/', import.meta.url));
export const CHROMIUM = process.env.OMNIFLOW_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Builds the studio (vite build → studio/dist). */
export function buildStudio(): string {
  execFileSync(process.execPath, [join(STUDIO, '../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: STUDIO, stdio: 'inherit' });
  return join(STUDIO, 'dist');
}

/** Serves studio/dist and forwards /trpc to the api, as `npm start` will once the api serves the studio. */
function serveStudio(dist: string, apiPort: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/trpc')) {
      const upstream = request({ host: '127.0.0.1', port: apiPort, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    const file = normalize(join(dist, url.pathname === '/' ? 'index.html' : url.pathname));
    const target = file.startsWith(dist) && existsSync(file) ? file : join(dist, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
    res.end(readFileSync(target));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })),
  );
}

export interface Stack {
  api: RunningServer;
  url: string;
  browser: Browser;
  admin: { email: string; password: string };
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dist = buildStudio();
  const dataDir = mkdtempSync(join(tmpdir(), 'omniflow-e2e-'));
  const api = await startServer({ port: 0, host: '127.0.0.1', dataDir });
  if (!api.firstAdmin) throw new Error('a fresh data dir must create the first admin');
  const web = await serveStudio(dist, api.port);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return {
    api,
    url: web.url,
    browser,
    admin: api.firstAdmin,
    async close() {
      await browser.close();
      await new Promise((r) => web.server.close(r));
      await api.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

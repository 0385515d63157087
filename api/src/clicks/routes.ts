import type { FastifyInstance } from 'fastify';
import type { ClickTarget, ClickTokens } from './click-tokens.ts';

// GET /r/:token — the tracking redirect (the app needs `routerOptions.maxParamLength` above the longest token, as server.ts sets). A token this server signed records one click for the send it
// belongs to (the delivery log counts at most one per customer per send, §7) and answers 302 to the
// original link; anything else is a 404 page, never a redirect. HEAD (link previews, crawlers checking
// the link) redirects without counting. A failure to record never keeps the customer from the link.

export interface ClickRoutesOptions {
  tokens: ClickTokens;
  /** Records a URL-button click; answers whether it matched a send. */
  record: (target: ClickTarget, at: Date) => Promise<unknown>;
  now?: () => Date;
}

const NOT_FOUND_PAGE = `<!doctype html>
<html lang="zh-Hant"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Link not found · 找不到連結</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; color: #333">
<h1 style="font-size: 1.25rem">This link does not exist</h1>
<p>It may have been copied incompletely. Please go back to the conversation and tap the button again.</p>
<h1 style="font-size: 1.25rem">此連結不存在</h1>
<p>連結可能不完整,請回到對話中重新點擊按鈕。</p>
</body></html>
`;

export async function registerClickRoutes(app: FastifyInstance, options: ClickRoutesOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  app.get<{ Params: { token: string } }>('/r/:token', async (request, reply) => {
    const target = options.tokens.verify(request.params.token);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (!target) return reply.code(404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE);
    if (request.method === 'GET') {
      try {
        await options.record(target, now());
      } catch (err) {
        request.log.error({ err, flowId: target.flowId, nodeId: target.nodeId }, 'click not recorded');
      }
    }
    return reply.redirect(target.url, 302);
  });
}

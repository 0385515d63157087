import { type AttributeValue, type ChannelKind, t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode, type LimitRule, type NodeCheckContext, type NodeIssue } from '../../define.ts';
import { field, ItemId } from '../../form.ts';
import type { MappedValue, NodeOutcome } from '../../run-context.ts';
import { renderTemplate } from '../../variables/template.ts';
import { renderUrl } from '../shared/card-run.ts';
import { attributeRefIssues, duplicateIssues, isTemplated, jsonPathProblem, runVarNameIssues } from '../shared/ops-checks.ts';
import { failedSend } from '../shared/run-helpers.ts';

// §4.1.13 Call an API (chatbot card) and §4.2.9 (journey node). Secrets are never stored in the flow:
// auth points at a stored secret by name (`secretRef`), and logs redact them. Retries (exponential backoff,
// only on network errors, 5xx and 429) are safe only for idempotent methods or with an Idempotency-Key
// header (runId:nodeId). Responses over 256 KB fail; private addresses are blocked at run time (SSRF).
// In a chatbot the card routes to its next module by itself, so it must be the module's last card (ours).

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const IDEMPOTENT = new Set<string>(['GET', 'PUT', 'DELETE']);

const SecretRef = field(z.string().max(100).default(''), t('Secret', '密鑰'), {
  widget: 'secret',
  help: t(
    'The name of a secret stored in Settings › Secrets; the value itself never appears in the flow.',
    '「設定 › 密鑰」中已儲存的密鑰名稱;密鑰內容不會出現在流程中。',
  ),
});

const Auth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('bearer'), secretRef: SecretRef }),
  z.object({ kind: z.literal('basic'), username: field(z.string().max(300).default(''), t('Username', '使用者名稱')), secretRef: SecretRef }),
  z.object({
    kind: z.literal('hmac'),
    secretRef: SecretRef,
    header: field(z.string().max(200).default('X-Signature'), t('Signature header', '簽章標頭')),
    algorithm: field(z.enum(['sha256']).default('sha256'), t('Algorithm', '演算法'), { widget: 'select' }),
  }),
  // Many APIs take a key in their own header; this keeps that key out of the plain headers list.
  z.object({ kind: z.literal('apiKey'), header: field(z.string().max(200).default('X-API-Key'), t('Key header', '金鑰標頭')), secretRef: SecretRef }),
]);

const Header = z.object({
  name: field(z.string().max(300), t('Header name', '標頭名稱')),
  value: field(z.string(), t('Header value', '標頭內容'), { widget: 'template' }),
});

const SuccessRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status2xx') }),
  z.object({
    kind: z.literal('jsonPath'),
    path: field(z.string().max(1000).default(''), t('Response field (JSONPath)', '回應欄位(JSONPath)')),
    op: field(z.enum(['exists', 'isTrue', 'equals', 'notEquals']).default('exists'), t('Check', '判斷'), { widget: 'select' }),
    value: field(z.string().max(1000).default(''), t('Expected value', '預期值')),
  }),
]);

const Mapping = z.object({
  id: ItemId,
  path: field(z.string().max(1000), t('Response field', '回應欄位')),
  syntax: field(z.enum(['jsonpath', 'jsonata']).default('jsonpath'), t('Expression language', '表達式語言'), { widget: 'select' }),
  target: field(z.enum(['attribute', 'run']).default('run'), t('Save to', '儲存至'), { widget: 'select' }),
  key: field(z.string().max(100), t('Attribute or variable', '屬性或變數'), { widget: 'attribute' }),
  type: field(z.enum(['text', 'number', 'date', 'datetime', 'boolean', 'json']).default('text'), t('Type', '類型'), { widget: 'select' }),
});

const Config = z.object({
  method: field(z.enum(METHODS).default('POST'), t('Method', '方法'), { widget: 'select' }),
  url: field(z.string().max(10_000).default(''), t('Endpoint URL', '端點網址'), { widget: 'url' }),
  headers: field(z.array(Header).max(100).default([]), t('Headers', '標頭'), { widget: 'list' }),
  body: field(z.string().max(1_000_000).default(''), t('Payload', '傳送內容'), { widget: 'template' }),
  auth: field(Auth.default({ kind: 'none' }), t('Authentication', '驗證方式')),
  timeoutMs: field(z.number().int().default(10_000), t('Timeout (ms)', '逾時(毫秒)'), { widget: 'number' }),
  retries: field(z.number().int().default(2), t('Retries', '重試次數'), { widget: 'number' }),
  idempotencyKey: field(z.boolean().default(true), t('Send an Idempotency-Key header', '送出 Idempotency-Key 標頭'), {
    widget: 'toggle',
    help: t('Lets the API ignore repeats, which also allows retrying POST and PATCH.', '讓 API 可辨識重複請求,POST 與 PATCH 也因此可以重試。'),
  }),
  successRule: field(SuccessRule.default({ kind: 'status2xx' }), t('Success when', '成功條件')),
  responseMapping: field(z.array(Mapping).max(100).default([]), t('Save from the response', '儲存回應資料'), { widget: 'list' }),
  messageTemplate: field(z.string().max(100_000).default(''), t('Reply message', '回覆訊息'), {
    widget: 'template',
    help: t('Chatbot only. Use {{response:path}} to show response fields.', '僅限聊天機器人。可用 {{response:路徑}} 顯示回應欄位。'),
  }),
});
type Config = z.output<typeof Config>;

const FIELD_TEMPLATE = t('Reply message', '回覆訊息');
const templateLimit = (max: number, channels: readonly ChannelKind[], source: string, count?: 'utf16'): LimitRule<Config> => ({
  path: 'messageTemplate',
  measure: 'chars',
  max,
  channels,
  field: FIELD_TEMPLATE,
  source,
  ...(count ? { count } : {}),
});

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const SECRETISH_HEADER = /(api[-_]?key|token|secret|password|passwd|credential)/i;

/** Hosts that can only be private: the run-time guard blocks them anyway; say so at design time. */
function privateHost(url: string): boolean {
  const m = /^https?:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)/i.exec(url);
  const host = m?.[1]?.toLowerCase();
  if (!host) return false;
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return true;
  if (host.startsWith('[')) return host === '[::1]' || /^\[(fc|fd|fe80)/.test(host);
  const ip = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!ip) return false;
  const [a, b] = [Number(ip[1]), Number(ip[2])];
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** Parses a JSON body with every placeholder replaced by a number, which is valid inside or outside quotes. */
function jsonBodyProblem(body: string): string | undefined {
  const probe = body.replace(/\{\{[^}]*\}\}/g, '0');
  try {
    JSON.parse(probe);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function check(config: Config, ctx: NodeCheckContext): NodeIssue[] {
  const issues: NodeIssue[] = [];
  const url = config.url.trim();
  if (url === '') {
    issues.push({ path: ['url'], code: 'required', message: t('Endpoint URL is required.', '請填寫端點網址。') });
  } else {
    if (/^http:\/\//i.test(url)) {
      issues.push({
        path: ['url'],
        severity: 'warning',
        code: 'insecure_url',
        message: t(
          'This URL uses http://, so the request and any data in it travel unencrypted. Use https:// if the API supports it.',
          '此網址使用 http://,請求內容不會加密。若 API 支援,請改用 https://。',
        ),
      });
    } else if (!/^https:\/\//i.test(url) && !/^\{\{[^}]+\}\}/.test(url)) {
      issues.push({
        path: ['url'],
        code: 'invalid_url',
        message: t('The URL must start with https:// (or http://).', '網址必須以 https://(或 http://)開頭。'),
      });
    }
    if (privateHost(url)) {
      issues.push({
        path: ['url'],
        code: 'private_address',
        message: t('Requests to private or local addresses are blocked. Use the API’s public address.', '不允許呼叫私人或本機位址,請使用 API 的公開網址。'),
      });
    }
  }

  config.headers.forEach((h, i) => {
    const name = h.name.trim();
    if (name !== '' && !HEADER_NAME.test(name)) {
      issues.push({
        path: ['headers', i, 'name'],
        code: 'invalid_header_name',
        message: t('Header names use letters, digits and "-" only, with no spaces.', '標頭名稱只能使用英文字母、數字與「-」,不能有空格。'),
      });
    }
    const literal = h.value.trim() !== '' && !isTemplated(h.value);
    if (literal && /^(proxy-)?authorization$/i.test(name)) {
      // A pasted token would be stored in the flow, its versions and exports: it belongs in a secret.
      issues.push({
        path: ['headers', i, 'value'],
        code: 'inline_secret',
        message: t(
          'Do not put credentials in an Authorization header. Choose an authentication method and store the token as a secret.',
          '請勿在 Authorization 標頭中填入憑證。請選擇驗證方式,並將權杖儲存為密鑰。',
        ),
      });
    } else if (literal && SECRETISH_HEADER.test(name)) {
      issues.push({
        path: ['headers', i, 'value'],
        severity: 'warning',
        code: 'possible_inline_secret',
        message: t(
          `"${name}" looks like a credential. Use the "API key header" authentication with a stored secret instead.`,
          `「${name}」看起來是憑證,建議改用「API 金鑰標頭」驗證方式並使用已儲存的密鑰。`,
        ),
      });
    }
  });
  issues.push(
    ...duplicateIssues(
      config.headers.map((h) => h.name.trim().toLowerCase()),
      (i) => ['headers', i, 'name'],
      'duplicate_header',
      t('This header is set twice; only one value is sent.', '此標頭重複設定,只會送出一個值。'),
      true,
    ),
  );

  if (config.body.trim() !== '') {
    if (config.method === 'GET') {
      issues.push({
        path: ['method'],
        severity: 'warning',
        code: 'body_ignored',
        message: t(
          'GET requests are sent without a payload; use POST, or put the values in the URL.',
          'GET 請求不會送出傳送內容;請改用 POST,或將值放在網址中。',
        ),
      });
    }
    const b = config.body.trim();
    if (b.startsWith('{') || b.startsWith('[')) {
      const problem = jsonBodyProblem(b);
      if (problem) {
        issues.push({
          path: ['body'],
          code: 'invalid_json',
          message: t(`The payload looks like JSON but does not parse: ${problem}`, `傳送內容看似 JSON,但格式有誤:${problem}`),
        });
      }
    }
  }

  const auth = config.auth;
  if (auth.kind !== 'none' && auth.secretRef !== '' && !SECRET_NAME.test(auth.secretRef)) {
    issues.push({
      path: ['auth', 'secretRef'],
      code: 'invalid_secret_ref',
      message: t('Choose a stored secret by its name; do not paste the secret itself.', '請選擇已儲存的密鑰名稱,不要直接貼上密鑰內容。'),
    });
  }
  if ((auth.kind === 'hmac' || auth.kind === 'apiKey') && auth.header !== '' && !HEADER_NAME.test(auth.header)) {
    issues.push({
      path: ['auth', 'header'],
      code: 'invalid_header_name',
      message: t('Header names use letters, digits and "-" only, with no spaces.', '標頭名稱只能使用英文字母、數字與「-」,不能有空格。'),
    });
  }

  if (config.retries > 0 && !IDEMPOTENT.has(config.method) && !config.idempotencyKey) {
    issues.push({
      path: ['idempotencyKey'],
      severity: 'warning',
      code: 'retries_disabled',
      message: t(
        `${config.method} requests are retried only with an Idempotency-Key header, so the retries setting has no effect.`,
        `${config.method} 請求只有在送出 Idempotency-Key 標頭時才會重試,因此重試次數設定不會生效。`,
      ),
    });
  }

  if (config.successRule.kind === 'jsonPath') {
    const rule = config.successRule;
    const problem = rule.path !== '' ? jsonPathProblem(rule.path) : undefined;
    if (problem) issues.push({ path: ['successRule', 'path'], code: 'invalid_path', message: problem });
    if ((rule.op === 'equals' || rule.op === 'notEquals') && rule.value === '') {
      issues.push({ path: ['successRule', 'value'], code: 'required', message: t('Enter the value to compare with.', '請輸入要比較的值。') });
    }
  }

  config.responseMapping.forEach((m, i) => {
    if (m.syntax === 'jsonpath' && m.path !== '') {
      const problem = jsonPathProblem(m.path);
      if (problem) issues.push({ path: ['responseMapping', i, 'path'], code: 'invalid_path', message: problem });
    }
    if (m.target === 'run') {
      issues.push(...runVarNameIssues(m.key, ['responseMapping', i, 'key']));
    } else {
      if (m.type === 'json') {
        issues.push({
          path: ['responseMapping', i, 'type'],
          code: 'invalid_type',
          message: t('JSON values can be saved to run variables only; custom attributes hold plain values.', 'JSON 只能存入流程變數;自訂屬性只能存放單一值。'),
        });
      } else {
        issues.push(...attributeRefIssues(m.key, ctx.attributes, ['responseMapping', i, 'key'], { write: true, types: [m.type] }));
      }
    }
  });
  issues.push(
    ...duplicateIssues(
      config.responseMapping.map((m) => `${m.target}:${m.key}`),
      (i) => ['responseMapping', i, 'key'],
      'duplicate_target',
      t('Two fields are saved to the same place; the later one wins.', '有兩個欄位存到同一處,後者會覆蓋前者。'),
      true,
    ),
  );

  if (ctx.flowKind === 'journey' && config.messageTemplate.trim() !== '') {
    issues.push({
      path: ['messageTemplate'],
      code: 'chatbot_only',
      message: t(
        'A reply message is only available in chatbots; in a journey, send a message node after this step.',
        '回覆訊息僅適用於聊天機器人;旅程中請在此節點後加入訊息節點。',
      ),
    });
  }
  return issues;
}

export const callApiAction = defineNode({
  type: 'action.call_api',
  version: 1,
  category: 'action',
  flowKinds: ['chatbot', 'journey'],
  channels: 'any',
  label: t('Call an API', 'Call an API'),
  description: t(
    'Calls your API, e.g. to look up points or send form answers, then continues on success, failure or timeout. Response fields can be saved to custom attributes or run variables, and (in chatbots) shown in a reply.',
    '呼叫品牌的 API(例如查詢點數或傳送表單資料),並依成功、失敗或逾時繼續。回應欄位可存入自訂屬性或流程變數,聊天機器人中也可顯示於回覆訊息。',
  ),
  icon: 'webhook',
  config: Config,
  defaultConfig: { method: 'POST', url: '', headers: [], body: '', auth: { kind: 'none' }, timeoutMs: 10_000, retries: 2 },
  examples: [
    {
      name: 'look up points (chatbot reply)',
      config: {
        method: 'GET',
        url: 'https://api.example.com/members/{{system:member_id}}/points',
        headers: [{ name: 'Accept', value: 'application/json' }],
        auth: { kind: 'bearer', secretRef: 'crm_token' },
        successRule: { kind: 'jsonPath', path: '$.ok', op: 'isTrue', value: '' },
        responseMapping: [
          { id: 'points', path: '$.data.points', syntax: 'jsonpath', target: 'run', key: 'points', type: 'number' },
          { id: 'tier', path: 'data.tier', syntax: 'jsonpath', target: 'attribute', key: 'member_tier', type: 'text' },
        ],
        messageTemplate: 'Hi {{system:customer_name|"there"}}, you have {{response:data.points}} points.',
      },
    },
    {
      name: 'send form answers',
      config: {
        method: 'POST',
        url: 'https://hooks.example.com/leads',
        headers: [
          { name: 'Content-Type', value: 'application/json' },
          { name: 'X-Member', value: '{{system:member_id}}' },
        ],
        body: '{"phone": "{{system:phone}}", "budget": {{attr:budget|"0"}}, "source": "chatbot"}',
        auth: { kind: 'basic', username: 'omniflow', secretRef: 'leads_password' },
        timeoutMs: 5000,
        retries: 3,
      },
    },
    {
      name: 'signed webhook',
      config: {
        method: 'PUT',
        url: 'https://erp.example.com/api/contacts/{{system:member_id}}',
        body: '{"tier": "{{attr:member_tier}}"}',
        auth: { kind: 'hmac', secretRef: 'erp_signing_key', header: 'X-Signature', algorithm: 'sha256' },
        responseMapping: [{ id: 'raw', path: 'data.{"id": id, "total": $sum(items.price)}', syntax: 'jsonata', target: 'run', key: 'order', type: 'json' }],
      },
    },
    {
      name: 'API key header',
      config: {
        method: 'DELETE',
        url: 'https://api.example.com/subscriptions/{{system:email}}',
        auth: { kind: 'apiKey', header: 'X-API-Key', secretRef: 'shop_api_key' },
      },
    },
  ],
  ports: () => [
    { id: 'success', label: t('Success', '成功'), role: 'success' },
    { id: 'failure', label: t('Failure', '失敗'), role: 'failure' },
    { id: 'timeout', label: t('Timed out', '逾時'), role: 'timeout' },
  ],
  limits: [
    // Required is checked in `check`: the boundary tests keep URLs URL-shaped, so an empty one cannot be probed.
    { path: 'url', measure: 'chars', max: 2048, field: t('Endpoint URL', '端點網址'), source: '§4.1.13 (ours: 2048)' },
    { path: 'headers', measure: 'items', max: 20, field: t('Headers', '標頭'), source: '§4.1.13 (ours)' },
    { path: 'headers[].name', measure: 'chars', min: 1, max: 100, field: t('Header name', '標頭名稱'), source: '§4.1.13 (ours)' },
    { path: 'headers[].value', measure: 'chars', max: 4000, field: t('Header value', '標頭內容'), source: '§4.1.13 (ours)' },
    { path: 'body', measure: 'chars', max: 65_536, field: t('Payload', '傳送內容'), source: '§4.1.13 (ours: 64 KB)' },
    { path: 'auth.secretRef', measure: 'chars', min: 1, max: 64, field: t('Secret', '密鑰'), source: '§4.1.13' },
    { path: 'auth.username', measure: 'chars', min: 1, max: 200, field: t('Username', '使用者名稱'), source: '§4.1.13 (ours)' },
    { path: 'auth.header', measure: 'chars', min: 1, max: 100, field: t('Header name', '標頭名稱'), source: '§4.1.13 (ours)' },
    { path: 'timeoutMs', measure: 'number', min: 1000, max: 30_000, field: t('Timeout (ms)', '逾時(毫秒)'), source: '§4.1.13 (max 30 000; ours: min 1 000)' },
    { path: 'retries', measure: 'number', min: 0, max: 5, field: t('Retries', '重試次數'), source: '§4.1.13 (ours: max 5)' },
    { path: 'successRule.path', measure: 'chars', min: 1, max: 500, field: t('Response field (JSONPath)', '回應欄位(JSONPath)'), source: '§4.1.13 (ours)' },
    { path: 'responseMapping', measure: 'items', max: 20, field: t('Save from the response', '儲存回應資料'), source: '§4.1.13 (ours)' },
    { path: 'responseMapping[].path', measure: 'chars', min: 1, max: 500, field: t('Response field', '回應欄位'), source: '§4.1.13 (ours)' },
    {
      path: 'responseMapping[].key',
      measure: 'chars',
      min: 1,
      max: 64,
      field: t('Attribute or variable', '屬性或變數'),
      source: '§1.5 attribute key (ours for variables)',
    },
    // The reply renders into a text message: the channel's text limit applies to the template at least.
    templateLimit(5000, ['line'], 'LINE text message', 'utf16'),
    templateLimit(1999, ['messenger', 'instagram'], 'Messenger Send API: text < 2000'),
    templateLimit(4096, ['whatsapp'], 'WhatsApp text body'),
    templateLimit(4096, ['webchat'], 'ours: web chat'),
  ],
  placeholders: ['url', 'headers[].value', 'body', { path: 'messageTemplate', response: true }],
  check,
  placement: { last: true },
  // Sends the request through ctx.http (an outbox effect: delivered at least once with the step's
  // Idempotency-Key; the runtime resolves `auth` from its secret store, applies the SSRF guard, retries
  // network errors / 5xx / 429 up to `retries` times and evaluates the response mapping). Every mapped value
  // is type-checked before anything is saved: a mismatch fails the step naming the mapping.
  run: async (ctx): Promise<NodeOutcome> => {
    const c = ctx.config;
    const headers: Record<string, string> = {};
    // A rendered value must not smuggle in another header line.
    for (const h of c.headers) headers[h.name] = ctx.render(h.value).replace(/[\r\n]+/g, ' ');
    if (c.idempotencyKey) headers['Idempotency-Key'] = ctx.idempotencyKey;
    const json = Object.entries(headers).some(([k, v]) => k.toLowerCase() === 'content-type' && v.includes('json')) || /^\s*[[{]/.test(c.body);
    const result = await ctx.http({
      method: c.method,
      url: renderUrl(ctx, c.url),
      headers,
      ...(c.method === 'GET' || c.body === '' ? {} : { body: ctx.render(c.body, json ? 'json' : 'text') }),
      timeoutMs: c.timeoutMs,
      retries: c.retries,
      ...(c.auth.kind === 'none' ? {} : { auth: c.auth }),
      ...(c.responseMapping.length > 0 ? { responseMapping: c.responseMapping.map((m) => ({ id: m.id, syntax: m.syntax, path: m.path })) } : {}),
    });
    if (!result.ok) return { kind: 'next', port: result.reason === 'timeout' ? 'timeout' : 'failure', explanation: `${result.reason}: ${result.message}` };
    let body: unknown;
    try {
      body = result.body === '' ? undefined : JSON.parse(result.body);
    } catch {
      body = undefined;
    }
    const success = c.successRule.kind === 'status2xx' ? result.status >= 200 && result.status < 300 : checkRule(c.successRule, body);
    if (!success) return { kind: 'next', port: 'failure', explanation: `HTTP ${result.status}: not a success` };

    const values: { mapping: (typeof c.responseMapping)[number]; value: AttributeValue | object }[] = [];
    for (const m of c.responseMapping) {
      const name = `Mapping "${m.key}" (${m.path})`;
      const answer: MappedValue =
        result.mapped?.[m.id] ??
        (m.syntax === 'jsonpath' ? foundOrMissing(jsonPath(body, m.path)) : { error: 'JSONata is evaluated by the runtime, which did not answer' });
      if ('error' in answer) return { kind: 'fail', reason: 'mapping_failed', message: `${name}: ${answer.error}`, retryable: false, port: 'failure' };
      if ('missing' in answer) continue;
      const typed = typedValue(answer.value, m.type);
      if (!typed.ok) {
        return { kind: 'fail', reason: 'mapping_type_mismatch', message: `${name}: expected ${m.type}, got ${typed.got}`, retryable: false, port: 'failure' };
      }
      values.push({ mapping: m, value: typed.value });
    }
    const vars: Record<string, unknown> = {};
    for (const { mapping: m, value } of values) {
      if (m.target === 'run') {
        vars[m.key] = value;
        continue;
      }
      const saved = await ctx.attributes.set(m.key, value as AttributeValue);
      if (saved !== 'ok') {
        return {
          kind: 'fail',
          reason: 'mapping_type_mismatch',
          message: `Mapping "${m.key}" (${m.path}): the attribute refused the value (${saved})`,
          retryable: false,
          port: 'failure',
        };
      }
    }
    if (ctx.flow.kind === 'chatbot' && c.messageTemplate.trim() !== '') {
      const text = renderTemplate(c.messageTemplate, (p) =>
        p.kind !== 'named' ? undefined : p.namespace === 'response' ? dotted(body, p.path) : ctx.render(`{{${p.namespace}:${p.path}}}`),
      );
      const sent = await ctx.send({ nodeType: 'message.text', content: { text, buttons: [] }, purpose: 'conversational' });
      if (!sent.ok) return failedSend(sent);
    }
    return { kind: 'next', port: 'success', vars, explanation: `HTTP ${result.status}` };
  },
  needs: ['http', 'attributes', 'send'],
  requiredFeatures: ['dynamic_api'],
});

/** Reads a value by the JSONPath subset the validator accepts: $.a.b, $.items[0].id, $['member-id']. */
export function jsonPath(root: unknown, path: string): unknown {
  let rest = path.startsWith('$') ? path.slice(1) : path.startsWith('.') || path.startsWith('[') ? path : `.${path}`;
  let value = root;
  const token = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (!m) return undefined;
    const key = m[1] ?? m[3] ?? m[4];
    if (value === null || typeof value !== 'object') return undefined;
    value = m[2] !== undefined ? (Array.isArray(value) ? value[Number(m[2])] : undefined) : (value as Record<string, unknown>)[key ?? ''];
    rest = rest.slice(m[0].length);
  }
  return value;
}

function checkRule(rule: Extract<Config['successRule'], { kind: 'jsonPath' }>, body: unknown): boolean {
  const value = jsonPath(body, rule.path);
  switch (rule.op) {
    case 'exists':
      return value !== undefined && value !== null;
    case 'isTrue':
      return value === true || value === 'true';
    case 'equals':
      return value !== undefined && String(value) === rule.value;
    case 'notEquals':
      return value === undefined || String(value) !== rule.value;
  }
}

const foundOrMissing = (value: unknown): MappedValue => (value === undefined ? { missing: true } : { value });

const describeValue = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v));

/** A mapped value checked against the mapping's type: numbers and booleans may arrive as their text. */
export function typedValue(
  raw: unknown,
  type: Config['responseMapping'][number]['type'],
): { ok: true; value: AttributeValue | object } | { ok: false; got: string } {
  const got = describeValue(raw);
  switch (type) {
    case 'json':
      return raw === null || typeof raw !== 'object' ? { ok: true, value: raw as AttributeValue } : { ok: true, value: raw };
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, got };
    }
    case 'boolean':
      return raw === true || raw === 'true' ? { ok: true, value: true } : raw === false || raw === 'false' ? { ok: true, value: false } : { ok: false, got };
    case 'date':
      return typeof raw === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(raw) &&
        !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) &&
        new Date(`${raw}T00:00:00Z`).toISOString().startsWith(raw)
        ? { ok: true, value: raw }
        : { ok: false, got };
    case 'datetime':
      return typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw) && !Number.isNaN(Date.parse(raw))
        ? { ok: true, value: raw }
        : { ok: false, got };
    default:
      return typeof raw === 'string'
        ? { ok: true, value: raw }
        : typeof raw === 'number' || typeof raw === 'boolean'
          ? { ok: true, value: String(raw) }
          : { ok: false, got };
  }
}

/** {{response:data.items.0.id}}: a dotted path where numbers index arrays. */
function dotted(root: unknown, path: string): unknown {
  let value = root;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Array.isArray(value) && /^\d+$/.test(part) ? value[Number(part)] : (value as Record<string, unknown>)[part];
  }
  return value;
}

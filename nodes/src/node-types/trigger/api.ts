import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';
import { checkVariables, VariableList, variableLimits } from '../shared/trig-variables.ts';

// §3.13 API trigger (ours): `POST /api/journeys/{triggerKey}/enter` with an API token and
// `{customer, vars{}, idempotencyKey}`; 202 {runId}, 409 on a repeated idempotency key, 404 when the
// customer is not found (unless creating is allowed). The trigger key is part of the URL and stays the
// same across versions (§2.3), so it is URL-safe. The IP allow-list narrows the token's own list.

const Config = z.object({
  triggerKey: field(z.string().max(200).default(''), t('Trigger key', '觸發金鑰'), {
    widget: 'text',
    help: t('Used in the URL /api/journeys/{key}/enter; keep it when publishing new versions.', '用於網址 /api/journeys/{key}/enter;發佈新版本時請保持不變。'),
  }),
  lookup: field(z.enum(['memberId', 'phone', 'email', 'channelUserId']).default('memberId'), t('Find the customer by', '以此尋找顧客'), {
    widget: 'select',
    help: t('"Channel user ID" also needs the channel ID in the request.', '「渠道用戶 ID」需同時在請求中帶入渠道 ID。'),
  }),
  createCustomerIfMissing: field(z.boolean().default(false), t('Create the customer if not found', '找不到顧客時建立'), { widget: 'toggle' }),
  ipAllowList: field(z.array(z.string().max(100)).max(500).default([]), t('Allowed IP addresses', 'IP 白名單'), {
    widget: 'tags',
    help: t(
      'IPv4 or IPv6 addresses or CIDR ranges. Leave empty to use the API token’s own list.',
      'IPv4、IPv6 位址或 CIDR 範圍。留空則使用 API 權杖本身的白名單。',
    ),
  }),
  variables: VariableList,
});
type Config = z.output<typeof Config>;

const URL_SAFE = /^[A-Za-z0-9_-]+$/;
const IP_FORMS = [z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()];

/** An IPv4 / IPv6 address or CIDR range, as the allow-list accepts them. */
export function isIpOrCidr(value: string): boolean {
  return IP_FORMS.some((f) => f.safeParse(value).success);
}

export const apiTrigger = defineTrigger({
  type: 'trigger.api',
  version: 1,
  flowKinds: ['journey'],
  channels: 'any',
  label: t('API call', 'API 觸發'),
  description: t(
    'Starts when your system calls POST /api/journeys/{trigger key}/enter with an API token, naming the customer and passing variables. A repeated idempotency key is rejected, so retries never enter twice.',
    '當你的系統以 API 權杖呼叫 POST /api/journeys/{觸發金鑰}/enter,指定顧客並傳入變數時開始。重複的冪等鍵會被拒絕,重試不會重複進入。',
  ),
  icon: 'webhook',
  config: Config,
  defaultConfig: { triggerKey: '', lookup: 'memberId' },
  examples: [
    {
      name: 'order shipped from the ERP',
      config: {
        triggerKey: 'order-shipped',
        lookup: 'memberId',
        ipAllowList: ['203.0.113.10', '198.51.100.0/24', '2001:db8::/48'],
        variables: [
          { name: 'order_id', type: 'text' },
          { name: 'tracking_url', type: 'text' },
        ],
      },
    },
    { name: 'lead from a web form', config: { triggerKey: 'web_lead_2025', lookup: 'email', createCustomerIfMissing: true } },
  ],
  limits: [
    { path: 'triggerKey', measure: 'chars', min: 8, field: t('Trigger key', '觸發金鑰'), source: '§3.13 (ours: 8–64)' },
    { path: 'triggerKey', measure: 'chars', max: 64, field: t('Trigger key', '觸發金鑰'), source: '§3.13 (ours: 8–64)' },
    { path: 'ipAllowList', measure: 'items', max: 50, field: t('Allowed IP addresses', 'IP 白名單'), source: '§3.13 (ours: 50)' },
    ...variableLimits<Config>('§3.13'),
  ],
  check: (config) => {
    const issues: NodeIssue[] = [...checkVariables(config.variables)];
    if (config.triggerKey !== '' && !URL_SAFE.test(config.triggerKey)) {
      issues.push({
        path: ['triggerKey'],
        code: 'invalid_trigger_key',
        message: t('Use letters, digits, "-" and "_" only: the key is part of a URL.', '只能使用英文字母、數字、「-」與「_」:金鑰是網址的一部分。'),
      });
    }
    if (config.createCustomerIfMissing && config.lookup === 'channelUserId') {
      issues.push({
        path: ['createCustomerIfMissing'],
        code: 'unsupported_combination',
        message: t(
          'A channel contact cannot be created through the API; find the customer by member ID, phone or email to create missing ones.',
          '無法透過 API 建立渠道聯絡人;若要建立找不到的顧客,請改以會員編號、電話或 Email 尋找。',
        ),
      });
    }
    const seen = new Set<string>();
    config.ipAllowList.forEach((entry, i) => {
      const value = entry;
      if (!isIpOrCidr(value)) {
        issues.push({
          path: ['ipAllowList', i],
          code: 'invalid_ip',
          message: t(
            `"${entry}" is not an IP address or CIDR range (e.g. 203.0.113.10 or 203.0.113.0/24).`,
            `「${entry}」不是 IP 位址或 CIDR 範圍(例如 203.0.113.10 或 203.0.113.0/24)。`,
          ),
        });
      } else if (/\/0$/.test(value)) {
        issues.push({
          path: ['ipAllowList', i],
          code: 'allows_everyone',
          severity: 'warning',
          message: t(`"${entry}" allows every address, so the allow-list does not restrict anything.`, `「${entry}」允許所有位址,白名單等於沒有限制。`),
        });
      } else if (seen.has(value.toLowerCase())) {
        issues.push({ path: ['ipAllowList', i], code: 'duplicate', severity: 'warning', message: t('Listed twice.', '重複列出。') });
      }
      seen.add(value.toLowerCase());
    });
    return issues;
  },
  events: ['api.invoked'],
  needs: [],
});

// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { click, type Rendered, render, typeInto } from '../test-dom.tsx';
import type { ApiClient, Me } from '../trpc.ts';
import { ChannelsPage } from './ChannelsPage.tsx';
import type { ChannelDto } from './channel-kinds.ts';

// The page against an in-memory stand-in for channels.* that answers the way the api does:
// hints are last 4 of secrets of 12+ characters, refusals carry inputIssues / invalid_field.
// The real api behind the real page is covered by tests/e2e/channels.e2e.ts.

const admin = { id: 'u1', email: 'a@x', name: 'Ada', role: 'admin', via: 'session' } as Me;
const marketer = { ...admin, role: 'marketer' } as Me;
const ORIGIN = 'https://studio.example';

function refused(path: string[], message: string, code = 'invalid_format') {
  return new TRPCClientError(`${path.join('.')}: ${message}`, {
    result: {
      error: { code: -32600, message: `${path.join('.')}: ${message}`, data: { code: 'BAD_REQUEST', httpStatus: 400, inputIssues: [{ path, message, code }] } },
    },
  } as never);
}

function fakeChannels(initial: ChannelDto[] = []) {
  const rows = [...initial];
  const hints = (secrets: Record<string, string>) =>
    Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, { set: true as const, last4: v.length >= 12 ? v.slice(-4) : '' }]));
  const prefix: Record<string, string> = { line: 'line', messenger: 'meta', instagram: 'meta', whatsapp: 'whatsapp' };
  const values = new Map<string, Record<string, string>>();
  const channels = {
    list: { query: vi.fn(async () => rows.map((r) => structuredClone(r))) },
    create: {
      mutate: vi.fn(async (input: { kind: ChannelDto['kind']; name: string; settings: Record<string, unknown>; secrets: Record<string, string> }) => {
        const base = input.settings.baseUrl;
        if (typeof base === 'string' && !/^https?:\/\//.test(base)) throw refused(['settings', 'baseUrl'], 'Use an http(s) URL such as https://api.line.me');
        const id = `ch${rows.length + 1}`;
        const row: ChannelDto = {
          id,
          kind: input.kind,
          name: input.name,
          settings: input.settings,
          secrets: hints(input.secrets),
          webhookPath: prefix[input.kind] ? `/webhooks/${prefix[input.kind]}/${id}` : null,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
        };
        values.set(id, { ...input.secrets });
        rows.push(row);
        return structuredClone(row);
      }),
    },
    update: {
      mutate: vi.fn(async (input: { id: string; name?: string; settings?: Record<string, unknown> }) => {
        const row = rows.find((r) => r.id === input.id) as ChannelDto;
        if (input.settings && 'pageId' in input.settings && !/^[0-9A-Za-z_-]+$/.test(String(input.settings.pageId))) {
          throw new TRPCClientError('settings.pageId: Use the id as the platform shows it', {
            result: {
              error: {
                code: -32600,
                message: 'settings.pageId: Use the id as the platform shows it',
                data: { code: 'BAD_REQUEST', httpStatus: 400, details: { kind: 'invalid_field', field: 'settings.pageId' } },
              },
            },
          } as never);
        }
        Object.assign(row, {
          ...(input.name ? { name: input.name } : {}),
          ...(input.settings ? { settings: input.settings } : {}),
          updatedAt: new Date().toISOString(),
        });
        return structuredClone(row);
      }),
    },
    rotateSecret: {
      mutate: vi.fn(async (input: { id: string; name: string; value: string | null }) => {
        const row = rows.find((r) => r.id === input.id) as ChannelDto;
        const secrets = values.get(input.id) ?? {};
        if (input.value === null) delete secrets[input.name];
        else secrets[input.name] = input.value;
        values.set(input.id, secrets);
        row.secrets = hints(secrets);
        return structuredClone(row);
      }),
    },
    delete: {
      mutate: vi.fn(async (input: { id: string }) => {
        rows.splice(
          rows.findIndex((r) => r.id === input.id),
          1,
        );
        return { id: input.id, deleted: true as const };
      }),
    },
  };
  return { client: { channels } as unknown as ApiClient, channels };
}

let view: Rendered | undefined;
afterEach(() => {
  view?.unmount();
  view = undefined;
});

async function mount(client: ApiClient, me: Me, locale: 'en' | 'zh-Hant' = 'en') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  view = await render(
    <QueryClientProvider client={queryClient}>
      <ChannelsPage client={client} me={me} origin={ORIGIN} />
    </QueryClientProvider>,
    locale,
  );
  await settle();
  return view.container;
}

const settle = () => act(() => new Promise((r) => setTimeout(r, 10)));
const button = (root: Element, name: string | RegExp) => {
  const found = [...root.querySelectorAll('button')].find((b) => {
    const label = b.getAttribute('aria-label') ?? b.textContent ?? '';
    return typeof name === 'string' ? label.trim() === name : name.test(label);
  });
  if (!found) throw new Error(`no button ${String(name)}`);
  return found;
};
const byLabel = (root: Element, text: string) => {
  const label = [...root.querySelectorAll('label')].find((l) => l.childNodes[0]?.textContent?.trim() === text);
  const el = label ? root.querySelector<HTMLInputElement>(`#${label.htmlFor}`) : null;
  if (!el) throw new Error(`no field labelled ${text}`);
  return el;
};
const errorOf = (root: Element, input: HTMLElement) => root.querySelector(`#${input.id}-error`)?.textContent ?? null;

describe('ChannelsPage', () => {
  it('tells a non-admin in a sentence, without asking the api', async () => {
    const { client, channels } = fakeChannels();
    const root = await mount(client, marketer);
    expect(root.textContent).toContain('Only admins can connect channels.');
    expect(channels.list.query).not.toHaveBeenCalled();
    expect(root.querySelector('[role="alert"]')).toBeNull();
  });

  it('connects LINE: required blanks beside their fields, the api refusal beside the field it names, then the webhook URL', async () => {
    const { client, channels } = fakeChannels();
    const root = await mount(client, admin);
    expect(root.textContent).toContain('No channels are connected yet.');
    await click(button(root, 'Connect a channel'));
    await click(button(root, /LINE Official Account/));
    const form = root.querySelector('form[aria-label="LINE Official Account"]') as HTMLFormElement;
    expect(form).not.toBeNull();

    await click(button(form, 'Connect'));
    await settle();
    const secret = byLabel(form, 'Channel secret');
    expect(secret.type).toBe('password');
    expect(errorOf(form, secret)).toBe('Required.');
    expect(secret.getAttribute('aria-invalid')).toBe('true');
    expect(secret.getAttribute('aria-describedby')).toContain(`${secret.id}-error`);
    expect(errorOf(form, byLabel(form, 'Name'))).toBe('Required.');
    expect(channels.create.mutate).not.toHaveBeenCalled();
    expect(byLabel(form, 'Channel secret').closest('.field')?.textContent).toContain('Basic settings tab');

    await typeInto(byLabel(form, 'Name'), 'Taipei shop');
    await typeInto(secret, 'line-channel-secret-0001');
    await typeInto(byLabel(form, 'Channel access token'), 'line-access-token-ABCD1234');
    await typeInto(byLabel(form, 'Server address'), 'not a url');
    await click(button(form, 'Connect'));
    await settle();
    expect(channels.create.mutate).toHaveBeenCalledTimes(1);
    const base = byLabel(form, 'Server address');
    expect(errorOf(form, base)).toBe('Use an http(s) URL such as https://api.example.com.');
    expect(base.closest('details')?.hasAttribute('open')).toBe(true);
    expect(errorOf(form, secret)).toBeNull();

    await typeInto(base, '');
    await click(button(form, 'Connect'));
    await settle();
    expect(channels.create.mutate).toHaveBeenLastCalledWith({
      kind: 'line',
      name: 'Taipei shop',
      settings: {},
      secrets: { channelSecret: 'line-channel-secret-0001', channelAccessToken: 'line-access-token-ABCD1234' },
    });
    expect(root.textContent).toContain('Taipei shop is connected.');
    expect((root.querySelector('#channel-webhook') as HTMLInputElement).value).toBe(`${ORIGIN}/webhooks/line/ch1`);
    expect(root.textContent).toContain('Use webhook');
    expect(root.querySelector('[data-testid="secret-channelAccessToken"]')?.textContent).toContain('••••1234');
    expect(root.textContent).not.toMatch(/[{}]|\bat\s+\w+\s+\(/); // no raw JSON, no stack traces
  });

  it('rotates a secret write-only and shows the new last 4, then deletes after confirming', async () => {
    const { client, channels } = fakeChannels();
    await channels.create.mutate({ kind: 'line', name: 'Shop', settings: {}, secrets: { channelSecret: 'short', channelAccessToken: 'token-ending-in-1111' } });
    const root = await mount(client, admin);
    const row = root.querySelector('[data-testid="channel-ch1"]') as HTMLElement;
    expect(row.textContent).toContain('Channel access token ••••1111');
    expect(row.textContent).toContain('Channel secret set');
    expect(row.textContent).toContain('Ready');
    await click(button(row, 'Manage Shop'));

    const token = root.querySelector('[data-testid="secret-channelAccessToken"]') as HTMLElement;
    await click(button(token, 'Replace Channel access token'));
    const input = byLabel(token, 'New value for Channel access token');
    expect(input.type).toBe('password');
    await typeInto(input, 'token-ending-in-2222');
    await click(button(token, 'Save new value'));
    await settle();
    expect(channels.rotateSecret.mutate).toHaveBeenCalledWith({ id: 'ch1', name: 'channelAccessToken', value: 'token-ending-in-2222' });
    expect(root.querySelector('[data-testid="secret-channelAccessToken"]')?.textContent).toContain('••••2222');
    expect(root.textContent).toContain('Channel access token was replaced.');
    expect(root.textContent).not.toContain('token-ending-in-2222');

    await click(button(root, 'Delete channel'));
    const dialog = root.querySelector('dialog') as HTMLElement;
    expect(dialog.getAttribute('aria-label')).toBe('Delete Shop?');
    await click(button(dialog, 'Delete'));
    await settle();
    expect(channels.delete.mutate).toHaveBeenCalledWith({ id: 'ch1' });
    expect(root.textContent).toContain('Shop was deleted.');
    expect(root.textContent).toContain('No channels are connected yet.');
  });

  it('shows an update refusal (invalid_field) beside the setting it names', async () => {
    const { client, channels } = fakeChannels();
    await channels.create.mutate({
      kind: 'messenger',
      name: 'Page',
      settings: { pageId: '1234' },
      secrets: { pageAccessToken: 'page-token-xxxx9999', appSecret: 'app-secret-xxxx', verifyToken: 'verify-me' },
    });
    const root = await mount(client, admin);
    await click(button(root, 'Manage Page'));
    expect((root.querySelector('#channel-webhook') as HTMLInputElement).value).toBe(`${ORIGIN}/webhooks/meta/ch1`);
    expect(root.textContent).toContain('Verify token');
    const form = root.querySelector('form[aria-label="Settings"]') as HTMLFormElement;
    const pageId = byLabel(form, 'Facebook Page ID');
    expect(pageId.value).toBe('1234');
    await typeInto(pageId, 'my page!');
    await click(button(form, 'Save changes'));
    await settle();
    expect(errorOf(form, byLabel(form, 'Facebook Page ID'))).toBe('Use the id as the platform shows it');
  });

  it('gives web chat its embed code and demo link, in Traditional Chinese', async () => {
    const { client, channels } = fakeChannels();
    await channels.create.mutate({ kind: 'webchat', name: '官網', settings: { allowedOrigins: ['https://shop.example.com'] }, secrets: {} });
    const root = await mount(client, admin, 'zh-Hant');
    expect(root.textContent).toContain('網頁聊天');
    await click(button(root, '管理 官網'));
    expect((root.querySelector('#channel-embed') as HTMLTextAreaElement).value).toBe(`<script src="${ORIGIN}/webchat/widget.js" data-channel="ch1"></script>`);
    expect(root.querySelector('a[href$="/webchat/demo?channel=ch1"]')?.textContent).toBe('開啟示範頁面');
    expect((byLabel(root, '允許的網站') as unknown as HTMLTextAreaElement).value).toBe('https://shop.example.com');
    expect(root.textContent).toContain('嵌入程式碼');
  });

  it('connects Call an API with named secrets, asking for a value a named row lacks, and moves focus to each step heading', async () => {
    const { client, channels } = fakeChannels();
    const root = await mount(client, admin);
    await click(button(root, 'Connect a channel'));
    expect(document.activeElement?.textContent).toBe('Which channel do you want to connect?');
    await click(button(root, /Call an API/));
    expect(document.activeElement?.textContent).toContain('Call an API');
    const form = root.querySelector('form[aria-label="Call an API"]') as HTMLFormElement;
    await typeInto(byLabel(form, 'Name'), 'CRM');
    await typeInto(byLabel(form, 'Private hosts allowed') as unknown as HTMLInputElement, 'crm.internal\n10.1.0.0/16');
    await click(button(form, 'Add a secret'));
    await typeInto(byLabel(form, 'Secret name'), 'crmToken');
    await click(button(form, 'Connect'));
    await settle();
    expect(errorOf(form, byLabel(form, 'Value'))).toBe('Required.');
    expect(channels.create.mutate).not.toHaveBeenCalled();
    await typeInto(byLabel(form, 'Value'), 'crm-token-value-9876');
    await click(button(form, 'Connect'));
    await settle();
    expect(channels.create.mutate).toHaveBeenCalledWith({
      kind: 'http',
      name: 'CRM',
      settings: { allowList: ['crm.internal', '10.1.0.0/16'] },
      secrets: { crmToken: 'crm-token-value-9876' },
    });
    expect(root.textContent).toContain('does not receive webhooks');
    expect(root.querySelector('[data-testid="secret-crmToken"]')?.textContent).toContain('••••9876');
    expect(document.activeElement?.id).toBe('channel-title');
  });
});

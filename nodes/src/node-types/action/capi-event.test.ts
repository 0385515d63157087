import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { capiEventAction } from './capi-event.ts';

const ctx: NodeCheckContext = { flowKind: 'journey', channels: ['messenger'] };
const issues = (config: object) =>
  validateNodeConfig(capiEventAction, { datasetId: '123456', ...config }, ctx).issues.map((i) => `${i.severity ?? 'error'}:${i.code}@${i.path.join('.')}`);
const bm = { actionSource: 'business_messaging', messagingChannel: 'whatsapp' };

describe('action.capi_event', () => {
  it('needs a numeric dataset id', () => {
    expect(issues({ ...bm, eventName: 'LeadSubmitted', datasetId: 'px-123' })).toEqual(['error:invalid_dataset_id@datasetId']);
  });

  it('needs the messaging channel with business messaging, and ignores it otherwise', () => {
    expect(issues({ eventName: 'LeadSubmitted', actionSource: 'business_messaging' })).toEqual(['error:messaging_channel_required@messagingChannel']);
    expect(issues({ eventName: 'Lead', actionSource: 'chat', messagingChannel: 'messenger' })).toEqual(['warning:ignored_field@messagingChannel']);
  });

  it('accepts only the business-messaging events of PLATFORMS.md with business messaging', () => {
    expect(issues({ ...bm, eventName: 'QualifiedLead' })).toEqual([]);
    expect(issues({ ...bm, eventName: 'Lead' })).toEqual(['error:event_not_supported@eventName']);
    expect(issues({ eventName: 'Lead', actionSource: 'chat' })).toEqual([]);
    expect(issues({ eventName: 'GameWon', actionSource: 'system_generated' })).toEqual([]);
  });

  it('checks value and currency, and requires them for a purchase', () => {
    expect(issues({ ...bm, eventName: 'Purchase', customData: { value: '1280', currency: 'TWD' } })).toEqual([]);
    expect(issues({ ...bm, eventName: 'Purchase', customData: { value: '{{trigger:total}}', currency: 'TWD' } })).toEqual([]);
    expect(issues({ ...bm, eventName: 'Purchase' })).toEqual(['error:purchase_needs_value@customData.value']);
    expect(issues({ ...bm, eventName: 'Purchase', customData: { value: 'lots', currency: 'twd' } })).toEqual([
      'error:invalid_value@customData.value',
      'error:invalid_currency@customData.currency',
    ]);
    expect(issues({ ...bm, eventName: 'AddToCart', customData: { value: '99' } })).toEqual(['error:currency_required@customData.currency']);
  });

  it('warns that website events lack browser data', () => {
    expect(issues({ eventName: 'Lead', actionSource: 'website' })).toEqual(['warning:missing_browser_data@actionSource']);
  });

  it('continues on sent, failed or no_identity', () => {
    const config = capiEventAction.config.parse(capiEventAction.defaultConfig);
    expect(capiEventAction.ports(config, { flowKind: 'journey' }).map((p) => `${p.id}:${p.role}`)).toEqual([
      'sent:next',
      'failed:failure',
      'no_identity:skipped',
    ]);
  });
});

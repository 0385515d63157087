// Journeys the crash test and the engine benchmark both drive, so they measure and prove the same thing.

const node = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, version: 1, config });
const edge = (source: string, sourcePort: string, target: string) => ({ id: `${source}_${sourcePort.replace(/\W/g, '_')}`, source, sourcePort, target });
const text = (t: string) => ({ content: { kind: 'text', text: t }, purpose: 'transactional', respectQuietHours: false });

/** API trigger → send → wait 1 minute → split on attribute tier = gold → send: the "send → wait → split → send". */
export function sendWaitSplitSend(triggerKey: string, reentry: 'never' | 'always') {
  return {
    formatVersion: 2,
    kind: 'journey',
    channels: ['line'],
    triggers: [node('api', 'trigger.api', { triggerKey })],
    nodes: [
      node('first', 'message.send', text('Hi {{system:customer_name}}')),
      node('wait', 'wait.wait', { mode: { kind: 'duration', days: 0, hours: 0, minutes: 1 } }),
      node('split', 'logic.split', {
        branches: [
          { id: 'gold', label: 'Gold', condition: { op: 'and', items: [{ criterion: 'attribute', key: 'tier', type: 'text', op: 'equals', value: 'gold' }] } },
        ],
      }),
      node('gold', 'message.send', text('Gold offer')),
      node('other', 'message.send', text('Regular offer')),
    ],
    edges: [
      edge('api', 'next', 'first'),
      edge('first', 'sent', 'wait'),
      edge('wait', 'next', 'split'),
      edge('split', 'branch:gold', 'gold'),
      edge('split', 'else', 'other'),
    ],
    settings: { reentry: { mode: reentry } },
  };
}

/** Customer i of the workload: on LINE, every other one a gold-tier member (so the split takes both branches). */
export function workloadCustomer(i: number) {
  return {
    id: `c${i}`,
    name: `Customer ${i}`,
    createdAt: '2025-01-01T00:00:00Z',
    identities: [
      {
        channel: 'line' as const,
        channelId: 'ch',
        externalUserId: `U${i}`,
        subscriptionStatus: 'subscribed' as const,
        overQuota: false,
        fbRecurringOptIn: false,
      },
    ],
    tags: [],
    attributes: { tier: i % 2 === 0 ? 'gold' : 'silver' },
    points: { balance: 0, lifetime: 0 },
    bindings: [],
  };
}

import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { triggerJourneyNode } from './trigger-journey.ts';

const codes = (config: unknown) =>
  validateNodeConfig(triggerJourneyNode, config, { flowKind: 'journey', channels: ['line'] }).issues.map((i) => `${i.code}@${i.path.join('.')}`);

describe('flow.trigger_journey', () => {
  it('passes variables with valid, distinct names and templated values', () => {
    expect(codes({ journeyId: 'j1', variables: [{ name: 'order_id', value: '{{trigger:order_id}}' }] })).toEqual([]);
    expect(codes({ journeyId: 'j1', variables: [{ name: 'order id', value: 'x' }] })).toEqual(['invalid_variable_name@variables.0.name']);
    expect(
      codes({
        journeyId: 'j1',
        variables: [
          { name: 'a', value: '1' },
          { name: 'a', value: '2' },
        ],
      }),
    ).toEqual(['duplicate_variable@variables.1.name']);
    expect(codes({ journeyId: 'j1', variables: [{ name: 'a', value: '{{nope:x}}' }] })).toEqual(['malformed_placeholder@variables.0.value']);
  });

  it('requires the target journey', () => {
    expect(codes({ journeyId: '' })).toEqual(['required@journeyId']);
  });

  it('continues on entered or rejected', () => {
    const config = triggerJourneyNode.config.parse(triggerJourneyNode.defaultConfig);
    expect(triggerJourneyNode.ports(config, { flowKind: 'journey' }).map((p) => `${p.id}:${p.role}`)).toEqual(['entered:next', 'rejected:failure']);
  });
});

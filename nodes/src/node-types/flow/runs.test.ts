import { describe, expect, it } from 'vitest';
import { runNode } from '../../testing/fake-run-context.ts';
import { exitNode } from './exit.ts';
import { goalNode } from './goal.ts';
import { triggerJourneyNode } from './trigger-journey.ts';

describe('flow runs', () => {
  it('goal ends the run as goal_reached; exit completes it with its reason', async () => {
    expect((await runNode(goalNode, { label: 'Purchased' })).outcome).toMatchObject({ kind: 'end', status: 'goal_reached', reason: 'Purchased' });
    expect((await runNode(exitNode, { reason: 'Declined' })).outcome).toMatchObject({ kind: 'end', status: 'completed', reason: 'Declined' });
  });

  it('trigger journey: passes rendered variables; entered / rejected', async () => {
    const config = { journeyId: 'j2', variables: [{ name: 'who', value: '{{system:customer_name}}' }] };
    const ok = await runNode(triggerJourneyNode, config);
    expect(ok.outcome).toMatchObject({ port: 'entered' });
    expect(ok.calls.journeys).toEqual([{ journeyId: 'j2', vars: { who: 'Amy' } }]);
    expect((await runNode(triggerJourneyNode, config, { entered: false })).outcome).toMatchObject({ port: 'rejected' });
  });
});

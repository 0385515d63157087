import { describe, expect, it } from 'vitest';
import { validateNodeConfig } from '../../validate/node.ts';
import { pointsAction } from './points.ts';

const ports = (config: unknown) => pointsAction.ports(pointsAction.config.parse(config), { flowKind: 'journey' }).map((p) => `${p.id}:${p.role}`);

describe('action.points', () => {
  it('offers insufficient only for deductions, and no_phone for both', () => {
    expect(ports({ op: 'add', amount: 5, reason: 'x' })).toEqual(['next:next', 'no_phone:skipped']);
    expect(ports({ op: 'deduct', amount: 5, reason: 'x' })).toEqual(['next:next', 'insufficient:failure', 'no_phone:skipped']);
  });

  it('takes whole points only', () => {
    const codes = (config: unknown) => validateNodeConfig(pointsAction, config, { flowKind: 'journey', channels: ['line'] }).issues.map((i) => i.code);
    expect(codes({ op: 'add', amount: 2.5, reason: 'x' })).toEqual(['invalid_config']);
    expect(codes({ op: 'add', amount: 2, reason: 'x' })).toEqual([]);
  });
});

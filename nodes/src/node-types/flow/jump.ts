import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineNode } from '../../define.ts';
import type { NodeOutcome } from '../../run-context.ts';

// §4.1.26 Jump to module: continues the conversation in another module of the same bot (there are no
// cross-bot jumps; the target is the edge of `next`). The engine's loop guard stops a session after 50
// module transitions without customer input.

const Config = z.object({});

export const jumpToModule = defineNode({
  type: 'flow.jump',
  version: 1,
  category: 'flow',
  flowKinds: ['chatbot'],
  channels: 'any',
  label: t('Go to module', '前往模組'),
  description: t('Continues with another module of this bot.', '接著執行此機器人的另一個模組。'),
  icon: 'corner-down-right',
  config: Config,
  defaultConfig: {},
  examples: [{ name: 'go to the main menu', config: {} }],
  ports: () => [{ id: 'next', label: t('Go to module', '前往模組'), role: 'next' }],
  placement: { last: true },
  // The edge of `next` names the module; the engine follows it and counts the transition for the loop guard.
  run: async (): Promise<NodeOutcome> => ({ kind: 'next', port: 'next', explanation: 'Go to module' }),
  needs: [],
});

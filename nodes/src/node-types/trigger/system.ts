import { t } from '@omniflow/schemas';
import { z } from 'zod';
import { defineTrigger } from '../../define.ts';
import { checkVariables, VariableList, variableLimits } from '../shared/trig-variables.ts';

// §3.12 System function trigger (系統功能觸發): the journey can only be entered by other features:
// the automation schedule, OmniLink success, a "trigger journey" node (§4.2.13) or the API. The
// invoker sends `{invokerType, invokerId, customerId, contactId?, channelId?, vars{}}`; the declared
// variables tell invokers what to pass and let {{run:<name>}} placeholders be checked.

const Config = z.object({
  variables: VariableList,
});

export const systemTrigger = defineTrigger({
  type: 'trigger.system',
  version: 1,
  flowKinds: ['journey'],
  channels: 'any',
  label: t('System function', '系統功能觸發'),
  description: t(
    'The journey is started only by other features: an automation schedule, OmniLink, a "Trigger journey" step of another journey, or the API. Declare the variables they pass in.',
    '此旅程只能由其他功能觸發:自動化排程、跨社群一鍵整合、其他旅程的「觸發旅程」節點或 API。請宣告它們傳入的變數。',
  ),
  icon: 'workflow',
  config: Config,
  defaultConfig: { variables: [] },
  examples: [
    { name: 'no variables', config: { variables: [] } },
    {
      name: 'order follow-up',
      config: {
        variables: [
          { name: 'order_id', type: 'text' },
          { name: 'order_total', type: 'number' },
          { name: 'delivered_at', type: 'datetime' },
        ],
      },
    },
  ],
  limits: variableLimits('§3.12'),
  check: (config) => checkVariables(config.variables),
  events: ['journey.invoked'],
  needs: [],
});

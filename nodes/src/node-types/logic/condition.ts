import { type Condition, ConditionGroup, isConditionGroup, t } from '@omniflow/schemas';
import { z } from 'zod';
import { checkConditionGroup } from '../../conditions.ts';
import { evaluateCondition } from '../../conditions-eval.ts';
import { defineNode, type NodeCheckContext, type NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// §4.1.11 Chatbot condition split. The card offers a subset of the §4.3 grammar: tag, member ID, phone,
// email, one custom attribute, phone / 91APP binding and points. Evaluated on live data when the card is
// reached; the outcome routes to one of two modules, so nothing after it in the module would be reached
// in a defined order: it must be the module's last card (ours).

const Config = z.object({
  condition: field(ConditionGroup.default({ op: 'and', items: [] }), t('Condition', '條件'), { widget: 'condition' }),
});
type Config = z.output<typeof Config>;

/** Where a criterion or field is not offered by the chatbot card, say what is. */
function unsupported(c: Condition): string | undefined {
  switch (c.criterion) {
    case 'tag':
    case 'attribute':
    case 'points':
      return undefined;
    case 'profile':
      return c.field === 'name' ? 'profile:name' : undefined;
    case 'binding':
      return c.binding === 'phone' || c.binding === '91app' ? undefined : `binding:${c.binding}`;
    default:
      return c.criterion;
  }
}

function walk(group: ConditionGroup, path: (string | number)[], visit: (c: Condition, path: (string | number)[]) => void) {
  group.items.forEach((item, i) => {
    if (isConditionGroup(item)) walk(item, [...path, 'items', i], visit);
    else visit(item, [...path, 'items', i]);
  });
}

function check(config: Config, ctx: NodeCheckContext): NodeIssue[] {
  const issues = checkConditionGroup(config.condition, ['condition'], ctx.attributes);
  let attributeKey: string | undefined;
  walk(config.condition, ['condition'], (c, path) => {
    const what = unsupported(c);
    if (what) {
      issues.push({
        path: [...path, 'criterion'],
        code: 'criterion_not_supported',
        message: t(
          `The chatbot condition split cannot check "${what}". It offers tags, member ID, phone, email, one custom attribute, phone or 91APP binding, and points.`,
          `聊天機器人條件分流無法判斷「${what}」。可用條件:標籤、會員編號、電話、Email、一個自訂屬性、手機綁定或 91APP 會員綁定、點數。`,
        ),
      });
    }
    if (c.criterion === 'attribute') {
      // The seed: the custom-attribute criterion takes one attribute only.
      if (attributeKey === undefined) attributeKey = c.key;
      else if (c.key !== attributeKey) {
        issues.push({
          path: [...path, 'key'],
          code: 'one_attribute_only',
          message: t(
            `A chatbot condition split can check one custom attribute only ("${attributeKey}"); use another split for "${c.key}".`,
            `聊天機器人條件分流只能判斷一個自訂屬性(「${attributeKey}」),「${c.key}」請改用另一個條件分流。`,
          ),
        });
      }
    }
  });
  return issues;
}

export const conditionSplit = defineNode({
  type: 'logic.condition',
  version: 1,
  category: 'logic',
  flowKinds: ['chatbot'],
  channels: ['webchat', 'messenger', 'line', 'instagram', 'whatsapp', 'wechat'],
  label: t('Condition split', '條件分流'),
  description: t(
    'Sends the contact to one module when the condition is met and to another when it is not, using live data (tags, member ID, phone, email, one custom attribute, bindings, points). Not available in broadcasts.',
    '依即時資料(標籤、會員編號、電話、Email、一個自訂屬性、綁定狀態、點數)判斷,符合條件與未符合條件時分別前往不同模組。尚不支援推播。',
  ),
  icon: 'split',
  config: Config,
  defaultConfig: { condition: { op: 'and', items: [] } },
  examples: [
    {
      name: 'VIP tag',
      config: { condition: { op: 'and', items: [{ criterion: 'tag', op: 'hasAny', tags: ['vip', 'gold_member'] }] } },
    },
    {
      name: 'bound members with enough points',
      config: {
        condition: {
          op: 'and',
          items: [
            { criterion: 'binding', binding: 'phone', op: 'isBound' },
            { criterion: 'points', field: 'balance', op: 'gte', value: 100 },
            {
              op: 'or',
              items: [
                { criterion: 'attribute', key: 'member_tier', type: 'text', op: 'equals', value: 'gold' },
                { criterion: 'attribute', key: 'member_tier', type: 'text', op: 'equals', value: 'platinum' },
              ],
            },
          ],
        },
      },
    },
    {
      name: 'has an email',
      config: { condition: { op: 'or', items: [{ criterion: 'profile', field: 'email', op: 'isSet' }] } },
    },
  ],
  ports: () => [
    { id: 'met', label: t('Condition met', '符合條件'), role: 'branch' },
    { id: 'notMet', label: t('Condition not met', '未符合條件'), role: 'branch' },
  ],
  check,
  placement: { last: true },
  run: async (ctx) => {
    const result = evaluateCondition(ctx.config.condition, ctx.contact, { now: ctx.now(), timeZone: ctx.flow.timeZone, channel: ctx.run.channel });
    return { kind: 'next', port: result.match ? 'met' : 'notMet', explanation: `${result.match ? 'Met' : 'Not met'}: ${result.explanation}` };
  },
  needs: ['contacts'],
  requiredFeatures: ['condition_split'],
});

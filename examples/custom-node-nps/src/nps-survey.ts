import { defineNode, field, type NodeOutcome, type PortSpec } from '@omniflow/nodes';
import { t } from '@omniflow/schemas';
import { z } from 'zod';

// A custom node type, written the way any team would write one: a config schema (which is also the
// studio form), ports derived from it, limits as data, and a `run` that acts only through the run
// context. It asks for a 0–10 Net Promoter Score, waits for the reply and routes by score band.

const Config = z.object({
  question: field(z.string().default('How likely are you to recommend us to a friend? Reply 0–10.'), t('Question', '問題'), { widget: 'template' }),
  waitHours: field(z.number().int().default(24), t('Wait for a reply (hours)', '等待回覆(小時)'), { widget: 'number' }),
  saveTo: field(
    z
      .string()
      .regex(/^[A-Za-z0-9_]*$/)
      .default(''),
    t('Save the score to attribute', '將分數存入屬性'),
    { widget: 'attribute' },
  ),
});
type Config = z.output<typeof Config>;

const BANDS: readonly PortSpec[] = [
  { id: 'promoter', label: t('Promoter (9–10)', '推薦者(9–10)'), role: 'branch' },
  { id: 'passive', label: t('Passive (7–8)', '被動者(7–8)'), role: 'branch' },
  { id: 'detractor', label: t('Detractor (0–6)', '批評者(0–6)'), role: 'branch' },
  { id: 'timeout', label: t('No reply', '未回覆'), role: 'timeout' },
];

/** Reads a score from a reply such as "9", " 10 ", "I'd say 8/10". */
export function parseScore(text: string): number | undefined {
  const m = /(?:^|\D)(10|[0-9])(?:\D|$)/.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}

export function bandOf(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export const npsSurvey = defineNode({
  type: 'acme.nps_survey',
  version: 1,
  category: 'message',
  flowKinds: ['journey'],
  channels: ['line', 'messenger', 'whatsapp', 'webchat'],
  label: t('NPS survey', 'NPS 問卷'),
  description: t('Asks for a 0–10 score, waits for the reply and routes promoters, passives and detractors.', '詢問 0–10 分的推薦意願,等待回覆並依分數分流。'),
  icon: 'gauge',
  config: Config,
  defaultConfig: {},
  examples: [{ name: 'default', config: { question: 'Hi {{system:customer_name|"there"}}, how likely are you to recommend us? 0–10', waitHours: 48 } }],
  ports: () => [...BANDS],
  limits: [
    { path: 'question', measure: 'chars', min: 1, max: 1000, field: t('Question', '問題'), source: 'acme: fits every channel' },
    { path: 'waitHours', measure: 'number', min: 1, max: 168, field: t('Wait for a reply (hours)', '等待回覆(小時)'), source: 'acme: one week at most' },
  ],
  placeholders: ['question'],
  check: (config: Config, ctx) =>
    config.saveTo && ctx.attributes && !ctx.attributes.some((a) => a.key === config.saveTo && a.type === 'number')
      ? [{ path: ['saveTo'], code: 'unknown_attribute', message: t(`"${config.saveTo}" is not a number attribute.`, `「${config.saveTo}」不是數字屬性。`) }]
      : [],
  waits: true,
  needs: ['send', 'attributes', 'clock'],
  async run(ctx): Promise<NodeOutcome> {
    const reply = ctx.resumedBy;
    if (!reply) {
      const sent = await ctx.send({ nodeType: 'message.text', content: { text: ctx.render(ctx.config.question), buttons: [] }, purpose: 'conversational' });
      if (!sent.ok) return { kind: 'fail', reason: sent.reason, message: sent.message, retryable: sent.retryable };
      return {
        kind: 'wait',
        until: new Date(ctx.now().getTime() + ctx.config.waitHours * 3_600_000),
        events: [{ event: 'reply' }],
        timeoutPort: 'timeout',
        explanation: `Asked for a score; waiting up to ${ctx.config.waitHours} h`,
      };
    }
    const score = parseScore(String(reply.payload.text ?? ''));
    if (score === undefined)
      return { kind: 'wait', events: [{ event: 'reply' }], timeoutPort: 'timeout', explanation: 'The reply held no 0–10 score; still waiting' };
    if (ctx.config.saveTo) await ctx.attributes.set(ctx.config.saveTo, score);
    return { kind: 'next', port: bandOf(score), vars: { npsScore: score }, explanation: `Score ${score} → ${bandOf(score)}` };
  },
});

import type { LocalizedText } from '@omniflow/schemas';
import type { z } from 'zod';
import { pathMatches, walkStrings } from '../config-path.ts';
import type { AnyNodeDefinition, NodeCheckContext, NodeIssue, PlaceholderField } from '../define.ts';
import { checkLimits } from '../limits.ts';
import { checkPlaceholder, hasPlaceholderSyntax, scanTemplate } from '../variables/template.ts';
import { describeZodIssue } from './zod-issues.ts';

export interface NodeConfigResult {
  /** The parsed config (defaults applied), when it matched the schema. */
  config?: unknown;
  issues: NodeIssue[];
}

/** Validates one node's config: schema, limits, placeholders and the node's own checks. Never throws. */
export function validateNodeConfig(def: AnyNodeDefinition, raw: unknown, ctx: NodeCheckContext): NodeConfigResult {
  const schema: z.ZodType = def.config;
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
        message: describeZodIssue(schema, issue),
        code: 'invalid_config',
      })),
    };
  }
  const config = parsed.data;
  const issues = [...checkLimits(def.limits ?? [], config, ctx), ...checkPlaceholders(def.placeholders ?? [], config, ctx)];
  if (def.check) {
    try {
      issues.push(...def.check(config, ctx));
    } catch (e) {
      issues.push({
        path: [],
        code: 'check_crashed',
        message: {
          en: `This node's checks failed unexpectedly (${e instanceof Error ? e.message : String(e)}). Please report it.`,
          'zh-Hant': '此節點的檢查意外失敗,請回報問題。',
        },
      });
    }
  }
  return { config, issues };
}

function fieldRule(fields: readonly PlaceholderField[], path: readonly (string | number)[]) {
  for (const f of fields) {
    const rule = typeof f === 'string' ? { path: f } : f;
    if (pathMatches(path, rule.path)) return rule;
  }
  return undefined;
}

/** Placeholders must parse and name known fields where allowed, and must not appear where forbidden (§5.2). */
export function checkPlaceholders(fields: readonly PlaceholderField[], config: unknown, ctx: NodeCheckContext): NodeIssue[] {
  const issues: NodeIssue[] = [];
  for (const { path, value } of walkStrings(config)) {
    if (typeof value !== 'string' || !value.includes('{{')) continue;
    const rule = fieldRule(fields, path);
    if (!rule) {
      if (hasPlaceholderSyntax(value)) {
        issues.push({
          path,
          code: 'placeholder_not_allowed',
          message: {
            en: 'Variables like {{…}} cannot be used in this field. Write \\{{ if you mean the characters "{{".',
            'zh-Hant': '此欄位不能使用 {{…}} 變數。若要顯示「{{」請輸入 \\{{。',
          },
        });
      }
      continue;
    }
    const { placeholders, error } = scanTemplate(value);
    if (error) {
      issues.push({ path, code: 'malformed_placeholder', message: error.localized });
      continue;
    }
    for (const p of placeholders) {
      const problem: LocalizedText | undefined = checkPlaceholder(p, {
        ...(ctx.attributes ? { attributes: ctx.attributes } : {}),
        response: rule.response === true,
        positional: rule.positional === true,
      });
      if (problem) issues.push({ path, code: 'unknown_placeholder', message: problem });
    }
  }
  return issues;
}

import { t } from '@omniflow/schemas';
import { z } from 'zod';
import type { LimitRule, NodeIssue } from '../../define.ts';
import { field } from '../../form.ts';

// Variables a journey expects from whoever enters it (§3.12 system trigger payload `vars{}`, §3.13
// API body `vars{}`). Inside the journey they are read as {{run:<name>}} (§5.1), so names are identifiers.

export const VARIABLE_TYPES = ['text', 'number', 'boolean', 'date', 'datetime'] as const;

export const VariableDecl = z.object({
  name: field(z.string().max(200), t('Variable name', '變數名稱')),
  type: field(z.enum(VARIABLE_TYPES).default('text'), t('Type', '類型'), { widget: 'select' }),
});

export const VariableList = field(z.array(VariableDecl).max(500).default([]), t('Expected variables', '預期變數'), { widget: 'list' });

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function variableLimits<C>(section: string): LimitRule<C>[] {
  return [
    { path: 'variables', measure: 'items', max: 50, field: t('Expected variables', '預期變數'), source: `${section} (ours: 50)` },
    { path: 'variables[].name', measure: 'chars', min: 1, field: t('Variable name', '變數名稱'), source: section },
    { path: 'variables[].name', measure: 'chars', max: 64, field: t('Variable name', '變數名稱'), source: `${section} (ours: 64)` },
  ];
}

/** Names must be identifiers (they become {{run:name}}) and unique. */
export function checkVariables(variables: readonly { name: string }[]): NodeIssue[] {
  const issues: NodeIssue[] = [];
  const seen = new Set<string>();
  variables.forEach((v, i) => {
    if (v.name === '') return;
    if (!IDENTIFIER.test(v.name)) {
      issues.push({
        path: ['variables', i, 'name'],
        code: 'invalid_variable_name',
        message: t(
          `"${v.name}" is not a valid variable name: use letters, digits and "_", not starting with a digit.`,
          `「${v.name}」不是有效的變數名稱:請使用英文字母、數字與「_」,且不能以數字開頭。`,
        ),
      });
    } else if (seen.has(v.name)) {
      issues.push({
        path: ['variables', i, 'name'],
        code: 'duplicate_variable',
        message: t(`The variable "${v.name}" is declared twice.`, `變數「${v.name}」重複宣告。`),
      });
    }
    seen.add(v.name);
  });
  return issues;
}

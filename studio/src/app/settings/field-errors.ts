import { TRPCClientError } from '@trpc/client';
import { z } from 'zod';
import type { MessageKey } from '../i18n.tsx';
import { problemText } from '../problem-text.ts';
import { toProblem } from '../trpc.ts';
import type { FieldSpec } from './channel-kinds.ts';

// A refused save, turned into sentences beside the fields it names. The api names the field two
// ways: zod input issues (`data.inputIssues[].path`) and its own checks (`details.invalid_field.field`).

const InputIssue = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string(), code: z.string().optional() });
const ErrorData = z.object({
  inputIssues: z.array(InputIssue).nullish(),
  details: z
    .object({ kind: z.literal('invalid_field'), field: z.string() })
    .nullish()
    .catch(null),
});

export interface FieldProblem {
  /** The form key: name, settings.<key>, secrets.<key> or value. */
  field: string;
  code?: string;
  message: string;
}

export interface RefusedSave {
  /** Problems that name a field, first one per field. */
  fields: Record<string, FieldProblem>;
  /** A sentence for the whole form when no field is named. */
  general: string | null;
}

export function refusedSave(error: unknown, t: (key: MessageKey) => string): RefusedSave {
  const problem = toProblem(error);
  const data = error instanceof TRPCClientError ? ErrorData.safeParse(error.data ?? {}) : null;
  const fields: Record<string, FieldProblem> = {};
  if (problem.code === 'BAD_REQUEST' && data?.success) {
    for (const issue of data.data.inputIssues ?? []) {
      const field = issue.path.map(String).join('.') || 'input';
      fields[field] ??= { field, ...(issue.code ? { code: issue.code } : {}), message: issue.message };
    }
    const named = data.data.details?.field;
    if (named && !fields[named]) {
      // The api's message starts with the path ("settings.baseUrl: Use an http(s) URL…"): the field is shown beside it already.
      fields[named] = { field: named, message: problem.message.replace(new RegExp(`^${escapeRegExp(named)}:\\s*`), '') };
    }
  }
  const general = Object.keys(fields).length > 0 ? null : problemText(problem, t);
  return { fields, general };
}

/** The sentence for one field's problem, in the person's language where the studio knows the rule. */
export function fieldProblemText(problem: FieldProblem, spec: FieldSpec | undefined, t: (key: MessageKey) => string): string {
  if (problem.code === 'invalid_type' || (problem.code === 'too_small' && /\b1\b/.test(problem.message))) return t('channels.err.required');
  if (spec?.format && (problem.code === 'invalid_format' || problem.code === 'invalid_string')) return t(`channels.err.${spec.format}`);
  return problem.message;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import type { MessageKey } from './i18n.tsx';
import type { ApiProblem } from './trpc.ts';

/** The sentence to show for a failed call: the api's own message names the field, never raw data. */
export function problemText(problem: ApiProblem, t: (key: MessageKey) => string): string {
  if (problem.code === 'FORBIDDEN') return t('error.forbidden');
  if (problem.code === 'NETWORK') return t('error.network');
  if (problem.code === 'INTERNAL_SERVER_ERROR' || !problem.message || /^\s*[[{]/.test(problem.message)) return t('error.generic');
  return problem.message;
}

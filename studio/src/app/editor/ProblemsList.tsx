import type { ValidationIssue } from '@omniflow/schemas';
import { useI18n } from '../i18n.tsx';

/** Validation issues of the whole flow; an issue on a node selects it. */
export function ProblemsList({ issues, onSelect }: { issues: readonly ValidationIssue[]; onSelect(nodeId: string): void }) {
  const { t, l } = useI18n();
  return (
    <section className="problems" aria-label={t('editor.problems')}>
      <h2>
        {t('editor.problems')} ({issues.length})
      </h2>
      {issues.length === 0 ? (
        <p>{t('editor.noProblems')}</p>
      ) : (
        <ul>
          {issues.map((issue, i) => {
            const text = l(issue.message);
            const nodeId = issue.nodeId;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: issues have no id; the list is recomputed as a whole
              <li key={i} className={`problem ${issue.severity}`}>
                {nodeId ? (
                  <button type="button" className="link" onClick={() => onSelect(nodeId)}>
                    {text}
                  </button>
                ) : (
                  text
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

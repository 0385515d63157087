import type { ValidationIssue } from '@omniflow/schemas';
import { useState } from 'react';
import { useI18n } from '../i18n.tsx';
import { problemText } from '../problem-text.ts';
import { type ApiClient, type ApiProblem, toProblem } from '../trpc.ts';
import { Dialog } from './Dialog.tsx';

type Policy = 'keep' | 'move_at_next_wait' | 'cancel';

export function PublishDialog({
  client,
  flowId,
  beforePublish,
  onClose,
  onSelectIssue,
}: {
  client: ApiClient;
  flowId: string;
  beforePublish(): Promise<number>;
  onClose(): void;
  onSelectIssue(nodeId: string): void;
}) {
  const { t, l } = useI18n();
  const [notes, setNotes] = useState('');
  const [policy, setPolicy] = useState<Policy>('keep');
  const [confirmWarnings, setConfirmWarnings] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<{ issues: ValidationIssue[]; warningsOnly: boolean } | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<number | null>(null);

  const publish = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const baseRevision = await beforePublish();
      const result = await client.versions.publish.mutate({ flowId, baseRevision, notes, inFlightPolicy: policy, confirmWarnings });
      setRefused(null);
      setDone(result.version.number);
    } catch (error) {
      const p = toProblem(error);
      if (p.details?.kind === 'validation_failed') setRefused({ issues: p.details.issues, warningsOnly: p.details.warningsNeedConfirmation });
      else setProblem(p);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('publish.title')} onClose={onClose}>
      {done !== null ? (
        <p role="status">{t('publish.done', { n: done })}</p>
      ) : (
        <>
          <div className="field">
            <label htmlFor="publish-notes">{t('publish.notes')}</label>
            <textarea id="publish-notes" rows={3} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} />
          </div>
          <fieldset className="field">
            <legend>{t('publish.inFlight')}</legend>
            {(
              [
                ['keep', t('publish.keep')],
                ['move_at_next_wait', t('publish.move')],
                ['cancel', t('publish.cancel')],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="check">
                <input type="radio" name="in-flight" value={value} checked={policy === value} onChange={() => setPolicy(value)} />
                {label}
              </label>
            ))}
          </fieldset>
          {refused && (
            <div role="alert" className="refused">
              <p>{t('publish.refused')}</p>
              <ul>
                {refused.issues.map((issue, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: issues have no id
                  <li key={i} className={`problem ${issue.severity}`}>
                    {issue.nodeId ? (
                      <button type="button" className="link" onClick={() => onSelectIssue(issue.nodeId as string)}>
                        {l(issue.message)}
                      </button>
                    ) : (
                      l(issue.message)
                    )}
                  </li>
                ))}
              </ul>
              {refused.warningsOnly && (
                <label className="check">
                  <input type="checkbox" checked={confirmWarnings} onChange={(e) => setConfirmWarnings(e.target.checked)} />
                  {t('publish.confirmWarnings')}
                </label>
              )}
            </div>
          )}
          {problem && (
            <p role="alert" className="field-error">
              {problemText(problem, t)}
            </p>
          )}
        </>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          {t('close')}
        </button>
        {done === null && (
          <button type="button" className="primary" disabled={busy} onClick={() => void publish()}>
            {t('publish.submit')}
          </button>
        )}
      </div>
    </Dialog>
  );
}

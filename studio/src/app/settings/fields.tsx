import { useState } from 'react';
import { useI18n } from '../i18n.tsx';
import type { FieldSpec } from './channel-kinds.ts';
import { type FieldProblem, fieldProblemText } from './field-errors.ts';

// One labelled form field with its help text (where to find the value on the platform) and its
// error beside it, both tied to the input for screen readers.

export function ChannelField({
  id,
  spec,
  value,
  onChange,
  problem,
  labelText,
}: {
  id: string;
  spec: FieldSpec;
  /** Overrides the spec's label (e.g. "New value for Channel secret"). */
  labelText?: string;
  value: string;
  onChange(value: string): void;
  problem?: FieldProblem | undefined;
}) {
  const { t } = useI18n();
  const error = problem ? fieldProblemText(problem, spec, t) : null;
  const describedBy = [`${id}-help`, error ? `${id}-error` : null].filter(Boolean).join(' ');
  const common = {
    id,
    value,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    'aria-required': spec.required || undefined,
    placeholder: spec.placeholder,
  } as const;
  return (
    <div className="field channel-field">
      <label htmlFor={id}>
        {labelText ?? t(spec.label)}
        {spec.required ? null : <span className="optional"> {t('channels.optional')}</span>}
      </label>
      {spec.input === 'list' ? (
        <textarea {...common} rows={3} spellCheck={false} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={spec.input === 'secret' ? 'password' : 'text'}
          autoComplete={spec.input === 'secret' ? 'new-password' : 'off'}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      <p className="field-help" id={`${id}-help`}>
        {t(spec.help)}
      </p>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A value to paste somewhere else, with a copy button that says when it worked. */
export function CopyBox({ id, label, value, multiline = false }: { id: string; label: string; value: string; multiline?: boolean }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-box">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        {multiline ? (
          <textarea id={id} readOnly value={value} rows={2} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        ) : (
          <input id={id} readOnly value={value} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        )}
        <button
          type="button"
          aria-label={t('channels.copyNamed', { what: label })}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
            } catch {
              // No clipboard permission (http, old browsers): select the text so Ctrl+C works.
              (document.getElementById(id) as HTMLInputElement | null)?.select();
            }
            setCopied(true);
          }}
        >
          {t('channels.copy')}
        </button>
        <span role="status" className="copy-status">
          {copied ? t('channels.copied') : ''}
        </span>
      </div>
    </div>
  );
}

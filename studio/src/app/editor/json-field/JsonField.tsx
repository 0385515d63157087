import type { LocalizedText } from '@omniflow/schemas';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n.tsx';
import { formatJson, parseJsonObject } from './parse.ts';

// The JSON field (message.line_flex `contents`): a monospace textarea parsed on every keystroke. Valid
// JSON objects go into the graph (so the preview follows); invalid text stays here only, with the
// syntax error's line/column, and never overwrites the last valid value.

export interface JsonFieldIssue {
  /** Relative to the field, e.g. ["body", "contents", 0, "text"]. */
  path: (string | number)[];
  message: LocalizedText;
}

interface Props {
  id: string;
  label: string;
  value: unknown;
  issues: readonly JsonFieldIssue[];
  help?: string | undefined;
  onChange(value: Record<string, unknown>): void;
}

function textOf(value: unknown): string {
  return value === undefined ? '' : formatJson(value);
}

export function JsonField({ id, label, value, issues, help, onChange }: Props) {
  const { t, l } = useI18n();
  const [text, setText] = useState(() => textOf(value));
  // The last value this field wrote; a different incoming value (undo, another tab) replaces the text.
  const written = useRef<unknown>(value);
  useEffect(() => {
    // By content, not identity: a save that hands back an equal copy must not reset the caret.
    if (value !== written.current && JSON.stringify(value) !== JSON.stringify(written.current)) {
      written.current = value;
      setText(textOf(value));
    }
  }, [value]);

  const parsed = parseJsonObject(text);
  const edit = (next: string) => {
    setText(next);
    const result = parseJsonObject(next);
    if (result.ok) {
      written.current = result.value;
      onChange(result.value);
    }
  };
  const errorId = `${id}-error`;
  const syntax = parsed.ok
    ? null
    : parsed.error.kind === 'syntax'
      ? t('json.syntax', { line: parsed.error.line, column: parsed.error.column, message: parsed.error.message })
      : t('json.notObject');
  // Validator issues describe the saved value; while the text is invalid they would point at stale JSON.
  const shownIssues = parsed.ok ? issues : [];
  return (
    <div className="field json-field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="json-input"
        rows={16}
        spellCheck={false}
        value={text}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' }}
        aria-invalid={!parsed.ok || shownIssues.length > 0 || undefined}
        aria-describedby={syntax || shownIssues.length ? errorId : undefined}
        onChange={(e) => edit(e.target.value)}
      />
      <button type="button" disabled={!parsed.ok} onClick={() => parsed.ok && setText(formatJson(parsed.value))}>
        {t('json.format')}
      </button>
      {help && <p className="field-help">{help}</p>}
      {syntax && (
        <div className="field-error" id={errorId} role="alert">
          <p>{syntax}</p>
          <p className="field-help">{t('json.unsaved')}</p>
        </div>
      )}
      {shownIssues.length > 0 && (
        <div className="field-error" id={errorId} role="alert">
          <p>{t('json.issues')}</p>
          <ul>
            {shownIssues.map((i) => (
              <li key={`${i.path.join('.')}:${i.message.en}`}>
                {i.path.length > 0 && <code>{i.path.join('.')}</code>} {l(i.message)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

import { type AnyNodeDefinition, validateNodeConfig } from '@omniflow/nodes';
import type { BotScope, ChannelKind, FlowKind, LocalizedText } from '@omniflow/schemas';
import { type KeyboardEvent, useMemo, useState } from 'react';
import { useI18n } from '../i18n.tsx';
import { AttributeConditionEditor, ConditionGroupEditor } from './condition/ConditionEditor.tsx';
import type { AttributeCriterion } from './condition/model.ts';
import { ScalarUnionField } from './condition/ScalarUnion.tsx';
import { JsonField } from './json-field/JsonField.tsx';
import {
  configSchemaOf,
  counterFor,
  discriminatorOf,
  emptyValue,
  fieldKind,
  fieldLabel,
  type JsonSchema,
  samePath,
  scalarVariants,
  setAt,
} from './schema-form.ts';

type Path = (string | number)[];

export interface FormIssue {
  path: Path;
  message: LocalizedText;
}

interface FormProps {
  nodeId: string;
  def: AnyNodeDefinition;
  config: Record<string, unknown>;
  channels: readonly ChannelKind[];
  /** Chatbot cards are checked as chatbot cards of the bot's scope (default: a journey node). */
  flowKind?: FlowKind;
  scope?: BotScope;
  onChange(config: Record<string, unknown>, fieldKey: string): void;
}

/** Live config issues of one node, as the api will report them. */
export function nodeConfigIssues(
  def: AnyNodeDefinition,
  config: unknown,
  channels: readonly ChannelKind[],
  flowKind: FlowKind = 'journey',
  scope?: BotScope,
): FormIssue[] {
  try {
    return validateNodeConfig(def, config, { flowKind, channels, ...(scope ? { scope } : {}) }).issues;
  } catch {
    return [];
  }
}

/** The side-panel form of a node, generated from its config schema. */
export function ConfigForm({ nodeId, def, config, channels, flowKind = 'journey', scope, onChange }: FormProps) {
  const { l } = useI18n();
  const schema = configSchemaOf(def);
  const issues = useMemo(() => nodeConfigIssues(def, config, channels, flowKind, scope), [def, config, channels, flowKind, scope]);
  const ctx: FieldCtx = {
    nodeId,
    def,
    root: config,
    channels,
    issues,
    set: (path, value) => onChange(setAt(config, path, value) as Record<string, unknown>, path.join('.')),
  };
  const shown = new Set<FormIssue>();
  const fields = Object.entries(schema.properties ?? {}).map(([key, prop]) => (
    <Field key={key} ctx={ctx} schema={prop} path={[key]} value={config[key]} name={key} shown={shown} />
  ));
  // Issues on paths the form does not draw (cross-field checks) still show, above the fields.
  const rest = issues.filter((i) => !pathDrawn(schema, i.path));
  return (
    <div className="config-form">
      {rest.length > 0 && (
        <ul className="form-errors" role="alert">
          {rest.map((i) => (
            <li key={`${i.path.join('.')}:${i.message.en}`}>{l(i.message)}</li>
          ))}
        </ul>
      )}
      {fields}
    </div>
  );
}

function pathDrawn(schema: JsonSchema, path: Path): boolean {
  if (path.length === 0) return false;
  let current: JsonSchema | undefined = schema;
  for (const seg of path) {
    if (!current) return false;
    const kind = fieldKind(current);
    if (kind === 'unsupported' || kind === 'variant') return kind === 'variant';
    if (kind === 'condition' || kind === 'json' || kind === 'scalarUnion') return true;
    if (typeof seg === 'number') current = current.items;
    else current = current.properties?.[seg];
  }
  return current !== undefined && fieldKind(current) !== 'unsupported';
}

interface FieldCtx {
  nodeId: string;
  def: AnyNodeDefinition;
  root: Record<string, unknown>;
  channels: readonly ChannelKind[];
  issues: FormIssue[];
  set(path: Path, value: unknown): void;
}

interface FieldProps {
  ctx: FieldCtx;
  schema: JsonSchema;
  path: Path;
  value: unknown;
  name: string | number;
  shown: Set<FormIssue>;
}

function Field({ ctx, schema, path, value, name, shown }: FieldProps) {
  const { t, l, locale } = useI18n();
  const id = `f-${ctx.nodeId}-${path.join('-')}`;
  const label = fieldLabel(schema, name, locale);
  const kind = fieldKind(schema);
  const own = ctx.issues.filter((i) => samePath(i.path, path) || (kind !== 'list' && kind !== 'object' && startsWith(i.path, path)));
  for (const i of own) shown.add(i);
  const errorId = own.length ? `${id}-error` : undefined;
  const help = schema.help ? <p className="field-help">{l(schema.help)}</p> : null;
  const errors = own.length ? (
    <p className="field-error" id={errorId} role="alert">
      {own.map((i) => l(i.message)).join(' ')}
    </p>
  ) : null;

  switch (kind) {
    case 'text':
    case 'textarea': {
      const text = typeof value === 'string' ? value : '';
      const counter = counterFor(ctx.def, ctx.root, path, text, ctx.channels);
      const common = {
        id,
        value: text,
        'aria-invalid': own.length > 0 || undefined,
        'aria-describedby': errorId,
        onChange: (e: { target: { value: string } }) => ctx.set(path, e.target.value),
      };
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          {kind === 'textarea' ? <textarea rows={4} {...common} /> : <input type="text" {...common} />}
          {counter && (
            <span className={counter.over ? 'counter over' : 'counter'} data-testid={`${id}-counter`}>
              {counter.size} / {counter.max}
            </span>
          )}
          {help}
          {errors}
        </div>
      );
    }
    case 'number':
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            type="number"
            value={typeof value === 'number' ? value : ''}
            min={schema.minimum}
            max={schema.maximum}
            aria-invalid={own.length > 0 || undefined}
            aria-describedby={errorId}
            onChange={(e) => ctx.set(path, e.target.value === '' ? undefined : Number(e.target.value))}
          />
          {help}
          {errors}
        </div>
      );
    case 'select':
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <select id={id} value={String(value ?? schema.default ?? '')} aria-describedby={errorId} onChange={(e) => ctx.set(path, e.target.value)}>
            {(schema.enum ?? []).map((option) => (
              <option key={String(option)} value={String(option)}>
                {String(option)}
              </option>
            ))}
          </select>
          {help}
          {errors}
        </div>
      );
    case 'toggle':
      return (
        <div className="field field-toggle">
          <input
            id={id}
            type="checkbox"
            checked={value === undefined ? schema.default === true : value === true}
            onChange={(e) => ctx.set(path, e.target.checked)}
          />
          <label htmlFor={id}>{label}</label>
          {help}
          {errors}
        </div>
      );
    case 'tags':
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <TagInput id={id} values={Array.isArray(value) ? value.map(String) : []} onChange={(next) => ctx.set(path, next)} describedBy={errorId} />
          <span className="field-help">{t('form.tagsHint')}</span>
          {help}
          {errors}
        </div>
      );
    case 'multiselect': {
      const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
      const options = schema.items?.enum ?? [];
      return (
        <fieldset className="field">
          <legend>{label}</legend>
          {options.map((option) => {
            const o = String(option);
            return (
              <label key={o} className="check">
                <input
                  type="checkbox"
                  checked={chosen.has(o)}
                  onChange={(e) => ctx.set(path, e.target.checked ? [...chosen, o] : [...chosen].filter((x) => x !== o))}
                />
                {o}
              </label>
            );
          })}
          {help}
          {errors}
        </fieldset>
      );
    }
    case 'object':
      return (
        <fieldset className="field">
          <legend>{label}</legend>
          {Object.entries(schema.properties ?? {}).map(([key, prop]) => (
            <Field
              key={key}
              ctx={ctx}
              schema={prop}
              path={[...path, key]}
              value={(value as Record<string, unknown> | undefined)?.[key]}
              name={key}
              shown={shown}
            />
          ))}
          {errors}
        </fieldset>
      );
    case 'variant': {
      const variants = (schema.oneOf ?? schema.anyOf) as JsonSchema[];
      const key = discriminatorOf(variants) as string;
      const current = (value as Record<string, unknown> | undefined)?.[key] ?? (schema.default as Record<string, unknown> | undefined)?.[key];
      const variant = variants.find((v) => v.properties?.[key]?.const === current) ?? variants[0];
      return (
        <fieldset className="field">
          <legend>{label}</legend>
          <label htmlFor={id}>{humanKey(key)}</label>
          <select
            id={id}
            value={String(current ?? '')}
            onChange={(e) => {
              const next = variants.find((v) => String(v.properties?.[key]?.const) === e.target.value);
              if (next) ctx.set(path, emptyValue({ ...next, default: undefined }));
            }}
          >
            {variants.map((v) => {
              const c = String(v.properties?.[key]?.const);
              return (
                <option key={c} value={c}>
                  {c}
                </option>
              );
            })}
          </select>
          {Object.entries(variant?.properties ?? {})
            .filter(([k]) => k !== key)
            .map(([k, prop]) => (
              <Field key={k} ctx={ctx} schema={prop} path={[...path, k]} value={(value as Record<string, unknown> | undefined)?.[k]} name={k} shown={shown} />
            ))}
          {errors}
        </fieldset>
      );
    }
    case 'list': {
      const items = Array.isArray(value) ? value : [];
      const itemSchema = schema.items as JsonSchema;
      const full = schema.maxItems !== undefined && items.length >= schema.maxItems;
      return (
        <fieldset className="field">
          <legend>{label}</legend>
          {items.map((item, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: items have no stable key until they are given an id
            <div key={i} className="list-item">
              <Field ctx={ctx} schema={itemSchema} path={[...path, i]} value={item} name={i} shown={shown} />
              <button
                type="button"
                onClick={() =>
                  ctx.set(
                    path,
                    items.filter((_, j) => j !== i),
                  )
                }
              >
                {t('form.remove')}
              </button>
            </div>
          ))}
          <button type="button" disabled={full} onClick={() => ctx.set(path, [...items, emptyValue(itemSchema)])}>
            {t('form.add')}
          </button>
          {errors}
        </fieldset>
      );
    }
    case 'condition': {
      // The builder shows each issue on the row its path names (paths relative to the condition).
      const relative = own.map((i) => ({ path: i.path.slice(path.length), message: i.message }));
      const attributeKey = typeof ctx.root.attributeKey === 'string' ? ctx.root.attributeKey : '';
      return schema.oneOf || schema.anyOf ? (
        <AttributeConditionEditor
          id={id}
          label={label}
          value={value as AttributeCriterion | undefined}
          defaultKey={attributeKey}
          issues={relative}
          onChange={(next) => ctx.set(path, next)}
        />
      ) : (
        <ConditionGroupEditor id={id} label={label} value={value as never} issues={relative} onChange={(next) => ctx.set(path, next)} />
      );
    }
    case 'json':
      return (
        <JsonField
          id={id}
          label={label}
          value={value}
          help={schema.help ? l(schema.help) : undefined}
          issues={own.map((i) => ({ path: i.path.slice(path.length), message: i.message }))}
          onChange={(next) => ctx.set(path, next)}
        />
      );
    case 'scalarUnion':
      return (
        <>
          <ScalarUnionField
            id={id}
            label={label}
            value={typeof value === 'string' || typeof value === 'number' ? value : undefined}
            variants={scalarVariants(schema)}
            optionLabel={(o) => o}
            describedBy={errorId}
            invalid={own.length > 0}
            onChange={(next) => ctx.set(path, next)}
          />
          {help}
          {errors}
        </>
      );
    default:
      return (
        <div className="field">
          <span className="field-label">{label}</span>
          <p className="field-help">{t('form.unsupported')}</p>
          {errors}
        </div>
      );
  }
}

function humanKey(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

function TagInput({ id, values, onChange, describedBy }: { id: string; values: string[]; onChange(next: string[]): void; describedBy: string | undefined }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const commit = () => {
    const v = draft.trim();
    if (v && !values.includes(v)) onChange([...values, v]);
    setDraft('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Backspace' && draft === '' && values.length > 0) onChange(values.slice(0, -1));
  };
  return (
    <div className="tag-input">
      {values.map((v) => (
        <span key={v} className="tag">
          {v}
          <button type="button" aria-label={`${t('form.remove')} ${v}`} onClick={() => onChange(values.filter((x) => x !== v))}>
            ×
          </button>
        </span>
      ))}
      <input id={id} type="text" value={draft} aria-describedby={describedBy} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} onBlur={commit} />
    </div>
  );
}

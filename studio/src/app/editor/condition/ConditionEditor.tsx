import type { Condition, ConditionGroup, LocalizedText } from '@omniflow/schemas';
import { type KeyboardEvent, type ReactNode, useState } from 'react';
import { type MessageKey, useI18n } from '../../i18n.tsx';
import {
  ATTRIBUTE_TYPES,
  type AttributeCriterion,
  type AttributeType,
  CHANNEL_KINDS,
  CRITERION_KINDS,
  type CriterionKind,
  compact,
  DATE_OPS_WITH_DATE,
  DATE_OPS_WITH_DAYS,
  dateInputValue,
  dateTimeInputValue,
  isGroup,
  isoFromDateTimeInput,
  MAX_GROUP_DEPTH,
  MAX_GROUP_ITEMS,
  NUMBER_OPERATORS,
  newCriterion,
  operatorsFor,
  type Path,
  PROFILE_OPERATORS,
  startsWith,
  withAttributeOp,
  withAttributeType,
} from './model.ts';
import { ScalarUnionField } from './ScalarUnion.tsx';
import { useTeamAttributes } from './team-attributes.ts';

// The §4.3 condition builder of the side panel: "All of / Any of" groups of criterion rows (nested groups
// up to MAX_GROUP_DEPTH), each row's fields chosen by its criterion and operator. Issues from the graph
// validator arrive with paths relative to the condition and are shown on the row they name.

export interface ConditionIssue {
  path: Path;
  message: LocalizedText;
}

interface GroupProps {
  /** Id prefix of every control (the form field's id). */
  id: string;
  label: string;
  value: ConditionGroup | undefined;
  issues: readonly ConditionIssue[];
  onChange(group: ConditionGroup): void;
}

/** A condition group field (logic.condition, logic.split branches). */
export function ConditionGroupEditor({ id, label, value, issues, onChange }: GroupProps) {
  const group = value && Array.isArray(value.items) ? value : { op: 'and' as const, items: [] };
  return <GroupEditor id={id} legend={label} group={group} path={[]} depth={1} issues={issues} onChange={onChange} />;
}

interface AttributeProps {
  id: string;
  label: string;
  value: AttributeCriterion | undefined;
  /** The key a new condition starts with (trigger.attribute_changed: the watched attribute). */
  defaultKey: string;
  issues: readonly ConditionIssue[];
  onChange(value: AttributeCriterion | undefined): void;
}

/** A single optional attribute condition (trigger.attribute_changed "only when the new value…"). */
export function AttributeConditionEditor({ id, label, value, defaultKey, issues, onChange }: AttributeProps) {
  const { t } = useI18n();
  return (
    <fieldset className="field condition-editor">
      <legend>{label}</legend>
      {value ? (
        <>
          <AttributeFields id={id} c={value} path={[]} issues={issues} onChange={(c) => onChange(c)} />
          <IssueText id={`${id}-error`} issues={issues} />
          <button type="button" onClick={() => onChange(undefined)}>
            {t('cond.removeRow', { n: 1 })}
          </button>
        </>
      ) : (
        <button type="button" onClick={() => onChange(newCriterion('attribute', defaultKey) as AttributeCriterion)}>
          {t('cond.addRow')}
        </button>
      )}
    </fieldset>
  );
}

function issuesAt(issues: readonly ConditionIssue[], prefix: Path): ConditionIssue[] {
  return issues.filter((i) => startsWith(i.path, prefix));
}

function IssueText({ id, issues }: { id: string; issues: readonly ConditionIssue[] }) {
  const { l } = useI18n();
  if (issues.length === 0) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {issues.map((i) => l(i.message)).join(' ')}
    </p>
  );
}

interface GroupEditorProps {
  id: string;
  legend: string;
  group: ConditionGroup;
  path: Path;
  depth: number;
  issues: readonly ConditionIssue[];
  onChange(group: ConditionGroup): void;
  onRemove?: () => void;
}

function GroupEditor({ id, legend, group, path, depth, issues, onChange, onRemove }: GroupEditorProps) {
  const { t } = useI18n();
  const base = [id, ...path].join('-');
  // Issues on the group itself (an empty group, its op), not on one of its rows.
  const own = issues.filter((i) => samePath(i.path, path) || samePath(i.path, [...path, 'op']) || samePath(i.path, [...path, 'items']));
  const full = group.items.length >= MAX_GROUP_ITEMS;
  const setItem = (index: number, item: Condition | ConditionGroup) => onChange({ ...group, items: group.items.map((x, j) => (j === index ? item : x)) });
  const removeItem = (index: number) => onChange({ ...group, items: group.items.filter((_, j) => j !== index) });
  return (
    <fieldset className={depth === 1 ? 'field condition-editor' : 'condition-group'} data-testid={`${base}-group`}>
      <legend>{legend}</legend>
      <div className="condition-match">
        <label htmlFor={`${base}-op`}>{t('cond.match')}</label>
        <select id={`${base}-op`} value={group.op} onChange={(e) => onChange({ ...group, op: e.target.value === 'or' ? 'or' : 'and' })}>
          <option value="and">{t('cond.all')}</option>
          <option value="or">{t('cond.any')}</option>
        </select>
      </div>
      {group.items.length === 0 && <p className="field-help">{t('cond.empty')}</p>}
      {group.items.map((item, i) => {
        const itemPath = [...path, 'items', i];
        const itemIssues = issuesAt(issues, itemPath);
        return isGroup(item) ? (
          <GroupEditor
            // biome-ignore lint/suspicious/noArrayIndexKey: condition rows have no id in the schema
            key={i}
            id={id}
            legend={t('cond.group', { n: i + 1 })}
            group={item}
            path={itemPath}
            depth={depth + 1}
            issues={itemIssues}
            onChange={(next) => setItem(i, next)}
            onRemove={() => removeItem(i)}
          />
        ) : (
          <CriterionRow
            // biome-ignore lint/suspicious/noArrayIndexKey: condition rows have no id in the schema
            key={i}
            id={id}
            index={i}
            c={item}
            path={itemPath}
            issues={itemIssues}
            onChange={(next) => setItem(i, next)}
            onRemove={() => removeItem(i)}
          />
        );
      })}
      <IssueText id={`${base}-error`} issues={own} />
      <div className="condition-actions">
        <button type="button" disabled={full} onClick={() => onChange({ ...group, items: [...group.items, newCriterion('tag')] })}>
          {t('cond.addRow')}
        </button>
        {depth < MAX_GROUP_DEPTH && (
          <button
            type="button"
            disabled={full}
            onClick={() => onChange({ ...group, items: [...group.items, { op: group.op === 'and' ? 'or' : 'and', items: [newCriterion('tag')] }] })}
          >
            {t('cond.addGroup')}
          </button>
        )}
        {onRemove && (
          <button type="button" onClick={onRemove}>
            {t('cond.removeGroup')}
          </button>
        )}
      </div>
    </fieldset>
  );
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface RowProps {
  id: string;
  index: number;
  c: Condition;
  path: Path;
  issues: readonly ConditionIssue[];
  onChange(c: Condition): void;
  onRemove(): void;
}

function CriterionRow({ id, index, c, path, issues, onChange, onRemove }: RowProps) {
  const { t } = useI18n();
  const base = [id, ...path].join('-');
  const name = t('cond.criterion', { n: index + 1 });
  return (
    <fieldset className="condition-row" aria-label={name} data-testid={`${base}-row`} aria-invalid={issues.length > 0 || undefined}>
      <div className="field">
        <label htmlFor={`${base}-kind`}>{t('cond.kind')}</label>
        <select
          id={`${base}-kind`}
          value={c.criterion}
          aria-describedby={issues.length ? `${base}-error` : undefined}
          onChange={(e) => onChange(newCriterion(e.target.value as CriterionKind))}
        >
          {CRITERION_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`cond.k.${k}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      <CriterionFields id={id} c={c} path={path} issues={issues} onChange={onChange} />
      <IssueText id={`${base}-error`} issues={issues} />
      <button type="button" aria-label={t('cond.removeRow', { n: index + 1 })} onClick={onRemove}>
        ×
      </button>
    </fieldset>
  );
}

interface FieldsProps<C> {
  id: string;
  c: C;
  path: Path;
  issues: readonly ConditionIssue[];
  onChange(c: C): void;
}

/** One labelled control of a row; marked invalid when an issue names its operand. */
function Control({ id, label, invalid, children }: { id: string; label: string; invalid?: boolean; children: ReactNode }) {
  return (
    <div className={invalid ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

function Select({
  id,
  value,
  options,
  label,
  onChange,
}: {
  id: string;
  value: string;
  options: readonly string[];
  label(o: string): string;
  onChange(v: string): void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {options.map((o) => (
        <option key={o} value={o}>
          {label(o)}
        </option>
      ))}
    </select>
  );
}

function NumberInput({
  id,
  value,
  min,
  max,
  integer,
  invalid,
  onChange,
}: {
  id: string;
  value: number | undefined;
  min?: number;
  max?: number;
  integer?: boolean;
  invalid?: boolean;
  onChange(v: number | undefined): void;
}) {
  return (
    <input
      id={id}
      type="number"
      value={value ?? ''}
      min={min}
      max={max}
      step={integer ? 1 : 'any'}
      aria-invalid={invalid || undefined}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
    />
  );
}

function useLabels() {
  const { t } = useI18n();
  return {
    op: (o: string) => t(`cond.op.${o}` as MessageKey),
    f: (o: string) => t(`cond.f.${o}` as MessageKey),
  };
}

function CriterionFields({ id, c, path, issues, onChange }: FieldsProps<Condition>) {
  const { t } = useI18n();
  const words = useLabels();
  const base = [id, ...path].join('-');
  const bad = (field: string) => issues.some((i) => i.path[path.length] === field);
  const set = (next: Condition) => onChange(compact(next));
  switch (c.criterion) {
    case 'attribute':
      return <AttributeFields id={id} c={c} path={path} issues={issues} onChange={set} />;
    case 'tag':
      return (
        <>
          <Control id={`${base}-op`} label={t('cond.op')}>
            <Select
              id={`${base}-op`}
              value={c.op}
              options={['hasAny', 'hasAll', 'hasNone']}
              label={words.op}
              onChange={(op) => set({ ...c, op: op as typeof c.op })}
            />
          </Control>
          <Control id={`${base}-tags`} label={t('cond.tags')} invalid={bad('tags')}>
            <TagListInput id={`${base}-tags`} values={c.tags} invalid={bad('tags')} onChange={(tags) => set({ ...c, tags })} />
          </Control>
        </>
      );
    case 'tagCount':
      return (
        <>
          <Control id={`${base}-tag`} label={t('cond.tag')} invalid={bad('tag')}>
            <input id={`${base}-tag`} type="text" value={c.tag} aria-invalid={bad('tag') || undefined} onChange={(e) => set({ ...c, tag: e.target.value })} />
          </Control>
          <Control id={`${base}-min`} label={t('cond.min')} invalid={bad('min')}>
            <NumberInput id={`${base}-min`} value={c.min} min={1} integer invalid={bad('min')} onChange={(v) => set({ ...c, min: v as number })} />
          </Control>
          <Control id={`${base}-withinDays`} label={t('cond.withinDays')} invalid={bad('withinDays')}>
            <NumberInput
              id={`${base}-withinDays`}
              value={c.withinDays}
              min={1}
              max={180}
              integer
              invalid={bad('withinDays')}
              onChange={(v) => set({ ...c, withinDays: v as number })}
            />
          </Control>
        </>
      );
    case 'profile': {
      const needsValue = c.op === 'equals' || c.op === 'contains';
      return (
        <>
          <Control id={`${base}-field`} label={t('cond.field')}>
            <Select
              id={`${base}-field`}
              value={c.field}
              options={['memberId', 'phone', 'email', 'name']}
              label={words.f}
              onChange={(f) => set({ ...c, field: f as typeof c.field })}
            />
          </Control>
          <Control id={`${base}-op`} label={t('cond.op')}>
            <Select
              id={`${base}-op`}
              value={c.op}
              options={PROFILE_OPERATORS}
              label={words.op}
              onChange={(op) => set({ ...c, op: op as typeof c.op, value: op === 'equals' || op === 'contains' ? (c.value ?? '') : undefined })}
            />
          </Control>
          {needsValue && (
            <Control id={`${base}-value`} label={t('cond.value')} invalid={bad('value')}>
              <input
                id={`${base}-value`}
                type="text"
                value={c.value ?? ''}
                aria-invalid={bad('value') || undefined}
                onChange={(e) => set({ ...c, value: e.target.value })}
              />
            </Control>
          )}
        </>
      );
    }
    case 'points': {
      const operand = c.op !== 'isSet' && c.op !== 'isNotSet';
      return (
        <>
          <Control id={`${base}-field`} label={t('cond.field')}>
            <Select
              id={`${base}-field`}
              value={c.field}
              options={['balance', 'lifetime']}
              label={words.f}
              onChange={(f) => set({ ...c, field: f as typeof c.field })}
            />
          </Control>
          <Control id={`${base}-op`} label={t('cond.op')}>
            <Select
              id={`${base}-op`}
              value={c.op}
              options={NUMBER_OPERATORS}
              label={words.op}
              onChange={(op) => {
                const keep = op !== 'isSet' && op !== 'isNotSet';
                set({
                  ...c,
                  op: op as typeof c.op,
                  value: keep ? (c.value ?? 0) : undefined,
                  value2: op === 'between' ? (c.value2 ?? c.value ?? 0) : undefined,
                });
              }}
            />
          </Control>
          {operand && (
            <Control id={`${base}-value`} label={t('cond.value')} invalid={bad('value')}>
              <NumberInput id={`${base}-value`} value={c.value} integer invalid={bad('value')} onChange={(v) => set({ ...c, value: v })} />
            </Control>
          )}
          {c.op === 'between' && (
            <Control id={`${base}-value2`} label={t('cond.value2')} invalid={bad('value2')}>
              <NumberInput id={`${base}-value2`} value={c.value2} integer invalid={bad('value2')} onChange={(v) => set({ ...c, value2: v })} />
            </Control>
          )}
        </>
      );
    }
    case 'binding':
      return (
        <>
          <Control id={`${base}-binding`} label={t('cond.field')}>
            <Select
              id={`${base}-binding`}
              value={c.binding}
              options={['phone', '91app', 'social', 'omo']}
              label={words.f}
              onChange={(b) => set({ ...c, binding: b as typeof c.binding })}
            />
          </Control>
          <Control id={`${base}-op`} label={t('cond.op')}>
            <Select
              id={`${base}-op`}
              value={c.op}
              options={['isBound', 'isNotBound']}
              label={words.op}
              onChange={(op) => set({ ...c, op: op as typeof c.op })}
            />
          </Control>
        </>
      );
    case 'subscription':
      return (
        <>
          <Control id={`${base}-field`} label={t('cond.field')}>
            <Select
              id={`${base}-field`}
              value={c.field}
              options={['status', 'overQuota', 'fbRecurringOptIn']}
              label={words.f}
              onChange={(f) =>
                set(
                  f === 'status'
                    ? { criterion: 'subscription', field: 'status', status: c.status ?? 'subscribed' }
                    : { criterion: 'subscription', field: f as typeof c.field, value: c.value ?? true },
                )
              }
            />
          </Control>
          {c.field === 'status' ? (
            <Control id={`${base}-status`} label={t('cond.status')} invalid={bad('status')}>
              <Select
                id={`${base}-status`}
                value={c.status ?? 'subscribed'}
                options={['subscribed', 'unsubscribed', 'blocked']}
                label={words.f}
                onChange={(s) => set({ ...c, status: s as NonNullable<typeof c.status> })}
              />
            </Control>
          ) : (
            <Control id={`${base}-value`} label={t('cond.yesNo')} invalid={bad('value')}>
              <Select
                id={`${base}-value`}
                value={c.value === false ? 'no' : 'yes'}
                options={['yes', 'no']}
                label={(o) => t(o === 'yes' ? 'cond.yes' : 'cond.no')}
                onChange={(v) => set({ ...c, value: v === 'yes' })}
              />
            </Control>
          )}
        </>
      );
    case 'time':
      return (
        <>
          <Control id={`${base}-field`} label={t('cond.field')}>
            <Select
              id={`${base}-field`}
              value={c.field}
              options={['subscribedAt', 'customerLastInteractionAt', 'teamLastMarketingAt', 'teamLastInteractionAt', 'lastCheckoutAt']}
              label={words.f}
              onChange={(f) => set({ ...c, field: f as typeof c.field })}
            />
          </Control>
          <Control id={`${base}-op`} label={t('cond.op')}>
            <Select
              id={`${base}-op`}
              value={c.op}
              options={['between', 'withinLastDays', 'before', 'after', 'isSet', 'isNotSet']}
              label={words.op}
              onChange={(op) =>
                set({
                  criterion: 'time',
                  field: c.field,
                  op: op as typeof c.op,
                  from: op === 'between' || op === 'before' || op === 'after' ? c.from : undefined,
                  to: op === 'between' ? c.to : undefined,
                  n: op === 'withinLastDays' ? (c.n ?? 30) : undefined,
                })
              }
            />
          </Control>
          {(c.op === 'between' || c.op === 'before' || c.op === 'after') && (
            <Control id={`${base}-from`} label={c.op === 'between' ? t('cond.from') : t('cond.date')} invalid={bad('from')}>
              <input
                id={`${base}-from`}
                type="datetime-local"
                value={dateTimeInputValue(c.from)}
                aria-invalid={bad('from') || undefined}
                onChange={(e) => set({ ...c, from: isoFromDateTimeInput(e.target.value) })}
              />
            </Control>
          )}
          {c.op === 'between' && (
            <Control id={`${base}-to`} label={t('cond.to')} invalid={bad('to')}>
              <input
                id={`${base}-to`}
                type="datetime-local"
                value={dateTimeInputValue(c.to)}
                onChange={(e) => set({ ...c, to: isoFromDateTimeInput(e.target.value) })}
              />
            </Control>
          )}
          {c.op === 'withinLastDays' && (
            <Control id={`${base}-n`} label={t('cond.days')} invalid={bad('n')}>
              <NumberInput id={`${base}-n`} value={c.n} min={1} max={3650} integer invalid={bad('n')} onChange={(v) => set({ ...c, n: v })} />
            </Control>
          )}
        </>
      );
    case 'channel':
      return (
        <fieldset className="field">
          <legend>{t('cond.channels')}</legend>
          {CHANNEL_KINDS.map((ch) => (
            <label key={ch} className="check">
              <input
                type="checkbox"
                checked={c.channels.includes(ch)}
                onChange={(e) => set({ ...c, channels: e.target.checked ? [...c.channels, ch] : c.channels.filter((x) => x !== ch) })}
              />
              {ch}
            </label>
          ))}
        </fieldset>
      );
    case 'pushInteraction': {
      const specific = c.target !== 'any';
      const target = typeof c.target === 'object' ? c.target : { flowId: '', nodeId: '' };
      return (
        <>
          <Control id={`${base}-negate`} label={t('cond.did')}>
            <Select
              id={`${base}-negate`}
              value={c.negate ? 'didNot' : 'did'}
              options={['did', 'didNot']}
              label={(o) => t(o === 'did' ? 'cond.did' : 'cond.didNot')}
              onChange={(v) => set({ ...c, negate: v === 'didNot' })}
            />
          </Control>
          <Control id={`${base}-action`} label={t('cond.action')}>
            <Select
              id={`${base}-action`}
              value={c.action}
              options={['opened', 'read', 'clicked']}
              label={words.f}
              onChange={(a) => set({ ...c, action: a as typeof c.action })}
            />
          </Control>
          <Control id={`${base}-target`} label={t('cond.target')}>
            <Select
              id={`${base}-target`}
              value={specific ? 'specific' : 'any'}
              options={['any', 'specific']}
              label={(o) => t(o === 'any' ? 'cond.anyMessage' : 'cond.specificMessage')}
              onChange={(v) => set({ ...c, target: v === 'any' ? 'any' : target })}
            />
          </Control>
          {specific && (
            <>
              <Control id={`${base}-flowId`} label={t('cond.flowId')} invalid={bad('target')}>
                <input id={`${base}-flowId`} type="text" value={target.flowId} onChange={(e) => set({ ...c, target: { ...target, flowId: e.target.value } })} />
              </Control>
              <Control id={`${base}-nodeId`} label={t('cond.nodeId')} invalid={bad('target')}>
                <input id={`${base}-nodeId`} type="text" value={target.nodeId} onChange={(e) => set({ ...c, target: { ...target, nodeId: e.target.value } })} />
              </Control>
            </>
          )}
        </>
      );
    }
    case 'journey':
      return (
        <>
          <Control id={`${base}-op`} label={t('cond.op')}>
            <Select
              id={`${base}-op`}
              value={c.op}
              options={['isIn', 'wasIn', 'reachedNode', 'goalReached']}
              label={words.op}
              onChange={(op) => set({ ...c, op: op as typeof c.op, nodeId: op === 'reachedNode' ? (c.nodeId ?? '') : undefined })}
            />
          </Control>
          <Control id={`${base}-journeyId`} label={t('cond.journeyId')} invalid={bad('journeyId')}>
            <input
              id={`${base}-journeyId`}
              type="text"
              value={c.journeyId}
              aria-invalid={bad('journeyId') || undefined}
              onChange={(e) => set({ ...c, journeyId: e.target.value })}
            />
          </Control>
          {c.op === 'reachedNode' && (
            <Control id={`${base}-nodeId`} label={t('cond.nodeId')} invalid={bad('nodeId')}>
              <input
                id={`${base}-nodeId`}
                type="text"
                value={c.nodeId ?? ''}
                aria-invalid={bad('nodeId') || undefined}
                onChange={(e) => set({ ...c, nodeId: e.target.value })}
              />
            </Control>
          )}
        </>
      );
  }
}

const MONTH_VARIANTS = [
  { type: 'string', enum: ['this', 'last', 'next'] },
  { type: 'integer', minimum: 1, maximum: 12 },
] as const;

function AttributeFields({ id, c, path, issues, onChange }: FieldsProps<AttributeCriterion>) {
  const { t } = useI18n();
  const words = useLabels();
  const base = [id, ...path].join('-');
  const bad = (field: string) => issues.some((i) => i.path[path.length] === field);
  const set = (next: AttributeCriterion) => onChange(compact(next));
  const op = c.op as string;
  const attributes = useTeamAttributes();
  // A known attribute is compared as its own type (the operators follow it); date and datetime are interchangeable.
  const pickKey = (key: string) => {
    const known = attributes.find((a) => a.key === key);
    const type = known && (ATTRIBUTE_TYPES as readonly string[]).includes(known.type) ? (known.type as AttributeType) : undefined;
    const sameFamily = type === c.type || ((type === 'date' || type === 'datetime') && (c.type === 'date' || c.type === 'datetime'));
    set(type && !sameFamily ? withAttributeType({ ...c, key }, type) : { ...c, key });
  };
  return (
    <>
      {/* The attribute picker: a text input (any key can be typed) suggesting the team's attributes. */}
      <Control id={`${base}-key`} label={t('cond.attribute')} invalid={bad('key')}>
        <input
          id={`${base}-key`}
          type="text"
          list={`${base}-keys`}
          value={c.key}
          aria-invalid={bad('key') || undefined}
          onChange={(e) => pickKey(e.target.value)}
        />
        <datalist id={`${base}-keys`}>
          {attributes.map((a) => (
            <option key={a.key} value={a.key}>
              {a.displayName && a.displayName !== a.key ? a.displayName : undefined}
            </option>
          ))}
        </datalist>
      </Control>
      <Control id={`${base}-type`} label={t('cond.type')} invalid={bad('type')}>
        <Select
          id={`${base}-type`}
          value={c.type}
          options={ATTRIBUTE_TYPES}
          label={(o) => t(`cond.t.${o}` as MessageKey)}
          onChange={(type) => set(withAttributeType(c, type as AttributeType))}
        />
      </Control>
      <Control id={`${base}-op`} label={t('cond.op')}>
        <Select id={`${base}-op`} value={op} options={operatorsFor(c.type)} label={words.op} onChange={(next) => set(withAttributeOp(c, next))} />
      </Control>
      {c.type === 'text' && op !== 'isSet' && op !== 'isNotSet' && (
        <Control id={`${base}-value`} label={t('cond.value')} invalid={bad('value')}>
          <input
            id={`${base}-value`}
            type="text"
            value={c.value ?? ''}
            aria-invalid={bad('value') || undefined}
            onChange={(e) => set({ ...c, value: e.target.value })}
          />
        </Control>
      )}
      {c.type === 'number' && op !== 'isSet' && op !== 'isNotSet' && (
        <Control id={`${base}-value`} label={t('cond.value')} invalid={bad('value')}>
          <NumberInput id={`${base}-value`} value={c.value} invalid={bad('value')} onChange={(v) => set({ ...c, value: v })} />
        </Control>
      )}
      {c.type === 'number' && op === 'between' && (
        <Control id={`${base}-value2`} label={t('cond.value2')} invalid={bad('value2')}>
          <NumberInput id={`${base}-value2`} value={c.value2} invalid={bad('value2')} onChange={(v) => set({ ...c, value2: v })} />
        </Control>
      )}
      {(c.type === 'date' || c.type === 'datetime') && DATE_OPS_WITH_DATE.has(op) && (
        <Control id={`${base}-date`} label={t('cond.date')} invalid={bad('date')}>
          <input
            id={`${base}-date`}
            type="date"
            value={dateInputValue(c.date)}
            aria-invalid={bad('date') || undefined}
            onChange={(e) => set({ ...c, date: /^\d{4}-\d{2}-\d{2}$/.test(e.target.value) ? e.target.value : undefined })}
          />
        </Control>
      )}
      {(c.type === 'date' || c.type === 'datetime') && DATE_OPS_WITH_DAYS.has(op) && (
        <Control id={`${base}-n`} label={t('cond.days')} invalid={bad('n')}>
          <NumberInput id={`${base}-n`} value={c.n} min={0} max={36500} integer invalid={bad('n')} onChange={(v) => set({ ...c, n: v })} />
          <span className="unit">{t('cond.daysUnit')}</span>
        </Control>
      )}
      {(c.type === 'date' || c.type === 'datetime') && op === 'specificMonth' && (
        <ScalarUnionField
          id={`${base}-month`}
          label={t('cond.month')}
          value={c.month}
          variants={MONTH_VARIANTS}
          invalid={bad('month')}
          optionLabel={(o) => t(o === 'integer' ? 'cond.month.number' : (`cond.month.${o}` as MessageKey))}
          onChange={(month) => set({ ...c, month: month as typeof c.month })}
        />
      )}
    </>
  );
}

/** Tags as chips: Enter or comma adds the typed tag, Backspace on an empty input removes the last. */
function TagListInput({ id, values, invalid, onChange }: { id: string; values: readonly string[]; invalid?: boolean; onChange(next: string[]): void }) {
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
      <input
        id={id}
        type="text"
        value={draft}
        aria-invalid={invalid || undefined}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKey}
        onBlur={commit}
      />
    </div>
  );
}

import { useI18n } from '../../i18n.tsx';

// A value that is one of a few scalar kinds (JSON Schema anyOf string|integer), e.g. a month that is
// "this" / "last" / "next" or a calendar month 1–12: a select for the kind (or the named value) plus
// an input when the kind takes free input.

export interface ScalarVariant {
  type: 'string' | 'integer' | 'number';
  /** Named values of a string variant: each is its own option of the select. */
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
}

interface Props {
  id: string;
  label: string;
  value: string | number | undefined;
  variants: readonly ScalarVariant[];
  /** The words for a named value or for a free-input kind ("string" / "integer" / "number"). */
  optionLabel(option: string): string;
  onChange(value: string | number | undefined): void;
  describedBy?: string | undefined;
  invalid?: boolean;
}

/** The select's options: named values as `v:<value>`, free-input kinds as `k:<type>`. */
function optionsOf(variants: readonly ScalarVariant[]): { key: string; variant: ScalarVariant; named?: string }[] {
  return variants.flatMap((variant) =>
    variant.enum ? variant.enum.map((named) => ({ key: `v:${named}`, variant, named })) : [{ key: `k:${variant.type}`, variant }],
  );
}

function currentKey(value: string | number | undefined, variants: readonly ScalarVariant[]): string {
  if (typeof value === 'number') return `k:${variants.find((v) => v.type !== 'string')?.type ?? 'integer'}`;
  if (typeof value === 'string') {
    if (variants.some((v) => v.enum?.includes(value))) return `v:${value}`;
    return 'k:string';
  }
  return '';
}

export function ScalarUnionField({ id, label, value, variants, optionLabel, onChange, describedBy, invalid }: Props) {
  const { t } = useI18n();
  const options = optionsOf(variants);
  const key = currentKey(value, variants);
  const free = options.find((o) => o.key === key && !o.named);
  const choose = (next: string) => {
    const option = options.find((o) => o.key === next);
    if (!option) return onChange(undefined);
    if (option.named !== undefined) return onChange(option.named);
    if (option.variant.type === 'string') return onChange('');
    return onChange(option.variant.minimum ?? 0);
  };
  return (
    <div className="field scalar-union">
      <label htmlFor={`${id}-kind`}>{label}</label>
      <select
        id={`${id}-kind`}
        aria-label={`${label}: ${t('cond.union.kind')}`}
        value={key}
        onChange={(e) => choose(e.target.value)}
        aria-describedby={describedBy}
      >
        {key === '' && <option value="">—</option>}
        {options.map((o) => (
          <option key={o.key} value={o.key}>
            {optionLabel(o.named ?? o.variant.type)}
          </option>
        ))}
      </select>
      {free && free.variant.type !== 'string' && (
        <input
          id={id}
          type="number"
          aria-label={label}
          min={free.variant.minimum}
          max={free.variant.maximum}
          step={free.variant.type === 'integer' ? 1 : 'any'}
          value={typeof value === 'number' ? value : ''}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      )}
      {free && free.variant.type === 'string' && (
        <input
          id={id}
          type="text"
          aria-label={label}
          value={typeof value === 'string' ? value : ''}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </div>
  );
}

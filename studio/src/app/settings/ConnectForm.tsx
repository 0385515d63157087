import { useState } from 'react';
import { useI18n } from '../i18n.tsx';
import type { ApiClient, RouterInputs } from '../trpc.ts';
import { type ChannelDto, type ChannelKind, type FieldSpec, formToSettings, KIND_SPECS, missingFields, secretFields, settingsFields } from './channel-kinds.ts';
import { type RefusedSave, refusedSave } from './field-errors.ts';
import { ChannelField } from './fields.tsx';

// "Connect a channel", second step: the kind's form. Required blanks are caught here; everything
// else (formats, lengths) is the api's call, and its answer is shown beside the field it names.

const NAME_SPEC: FieldSpec = { input: 'text', required: true, label: 'channels.name', help: 'channels.nameHelp' };
const NAMED_SECRET_NAME: FieldSpec = { input: 'text', required: true, label: 'channels.secretName', help: 'channels.secretNameHelp' };

export function ConnectForm({ client, kind, onBack, onCreated }: { client: ApiClient; kind: ChannelKind; onBack(): void; onCreated(c: ChannelDto): void }) {
  const { t } = useI18n();
  const spec = KIND_SPECS[kind];
  const [name, setName] = useState('');
  const [settings, setSettings] = useState<Record<string, string>>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [named, setNamed] = useState<{ name: string; value: string }[]>([]);
  const [refused, setRefused] = useState<RefusedSave>({ fields: {}, general: null });
  const [saving, setSaving] = useState(false);
  const secretSpecs = secretFields(kind);
  const fields = settingsFields(kind);
  const shown = new Set([
    'name',
    ...fields.map(([k]) => `settings.${k}`),
    ...(secretSpecs ?? []).map(([k]) => `secrets.${k}`),
    ...named.flatMap((_, i) => [`named.${i}.name`, `named.${i}.value`]),
  ]);
  // A problem the form has no field for still gets said, with the api's path.
  const unplaced = Object.values(refused.fields).filter((p) => !shown.has(p.field));
  const advancedHasError = fields.some(([k, f]) => f.advanced && refused.fields[`settings.${k}`]);

  async function submit() {
    const missing = [
      ...missingFields(kind, name, settings, secrets),
      ...named.flatMap((s, i) => (s.name.trim() && !s.value ? [`named.${i}.value`] : !s.name.trim() && s.value ? [`named.${i}.name`] : [])),
    ];
    if (missing.length > 0) {
      setRefused({
        fields: Object.fromEntries(missing.map((f) => [f, { field: f, code: 'invalid_type', message: t('channels.err.required') }])),
        general: null,
      });
      focusField(missing[0]);
      return;
    }
    const secretValues = secretSpecs
      ? Object.fromEntries(secretSpecs.filter(([k]) => (secrets[k] ?? '') !== '').map(([k]) => [k, secrets[k] as string]))
      : Object.fromEntries(named.filter((s) => s.name.trim() !== '').map((s) => [s.name.trim(), s.value]));
    // The api checks the shape per kind and names any field it refuses; the form only assembles it.
    const input = { kind, name: name.trim(), settings: formToSettings(kind, settings), secrets: secretValues } as unknown as RouterInputs['channels']['create'];
    setSaving(true);
    try {
      onCreated(await client.channels.create.mutate(input));
    } catch (error) {
      const r = refusedSave(error, t);
      setRefused(r);
      focusField(Object.keys(r.fields)[0]);
    } finally {
      setSaving(false);
    }
  }

  const field = (key: string, f: FieldSpec, value: string, set: (v: string) => void) => (
    <ChannelField key={key} id={fieldId(key)} spec={f} value={value} onChange={set} problem={refused.fields[key]} />
  );
  const settingField = ([k, f]: [string, FieldSpec]) => field(`settings.${k}`, f, settings[k] ?? '', (v) => setSettings((s) => ({ ...s, [k]: v })));

  return (
    <form
      className="channel-form"
      aria-label={t(spec.label)}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 tabIndex={-1} data-view-heading>
        <span className={`kind-badge kind-${kind}`} aria-hidden="true">
          {spec.badge}
        </span>{' '}
        {t(spec.label)}
      </h2>
      <p>{t(spec.blurb)}</p>
      {field('name', NAME_SPEC, name, setName)}
      {fields.some(([, f]) => !f.advanced) ? (
        <fieldset>
          <legend>{t('channels.settings')}</legend>
          {fields.filter(([, f]) => !f.advanced).map(settingField)}
        </fieldset>
      ) : null}
      <fieldset>
        <legend>{t('channels.secrets')}</legend>
        {secretSpecs
          ? secretSpecs.map(([k, f]) => field(`secrets.${k}`, f, secrets[k] ?? '', (v) => setSecrets((s) => ({ ...s, [k]: v }))))
          : named.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until named; they are only appended or removed from the end
              <div className="named-secret" key={i}>
                {field(`named.${i}.name`, NAMED_SECRET_NAME, s.name, (v) => setNamed((all) => all.map((x, j) => (j === i ? { ...x, name: v } : x))))}
                {field(`named.${i}.value`, { input: 'secret', required: true, label: 'channels.secretValue', help: 'channels.blurb.http' }, s.value, (v) =>
                  setNamed((all) => all.map((x, j) => (j === i ? { ...x, value: v } : x))),
                )}
              </div>
            ))}
        {secretSpecs ? null : (
          <button type="button" onClick={() => setNamed((all) => [...all, { name: '', value: '' }])}>
            {t('channels.addSecret')}
          </button>
        )}
      </fieldset>
      {fields.some(([, f]) => f.advanced) ? (
        <details open={advancedHasError || undefined}>
          <summary>{t('channels.advanced')}</summary>
          {fields.filter(([, f]) => f.advanced).map(settingField)}
        </details>
      ) : null}
      {unplaced.length > 0 || refused.general ? (
        <ul className="form-errors" role="alert">
          {refused.general ? <li>{refused.general}</li> : null}
          {unplaced.map((p) => (
            <li key={p.field}>{p.message.startsWith(p.field) ? p.message : `${p.field}: ${p.message}`}</li>
          ))}
        </ul>
      ) : null}
      <div className="form-actions">
        <button type="button" onClick={onBack}>
          {t('channels.back')}
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? t('channels.saving') : t('channels.save')}
        </button>
      </div>
    </form>
  );
}

/** Moves focus to the first field with a problem, so keyboard and screen-reader users land on it. */
export function focusField(key: string | undefined) {
  if (!key) return;
  queueMicrotask(() => {
    const el = document.getElementById(fieldId(key));
    el?.closest('details')?.setAttribute('open', '');
    el?.focus();
  });
}

/** The element id of a form key (settings.baseUrl → ch-settings-baseUrl). */
export const fieldId = (key: string) => `ch-${key.replace(/\./g, '-')}`;

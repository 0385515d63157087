import { useState } from 'react';
import { Dialog } from '../editor/Dialog.tsx';
import { useI18n } from '../i18n.tsx';
import type { ApiClient } from '../trpc.ts';
import { fieldId, focusField } from './ConnectForm.tsx';
import {
  type ChannelDto,
  embedSnippet,
  type FieldSpec,
  formToSettings,
  KIND_SPECS,
  secretFields,
  settingsFields,
  settingsToForm,
  webhookUrl,
} from './channel-kinds.ts';
import { type RefusedSave, refusedSave } from './field-errors.ts';
import { ChannelField, CopyBox } from './fields.tsx';
import { ConnectionStatus, MaskedSecret } from './parts.tsx';

// One connection: where to point the platform (webhook URL or embed code), its settings, its
// write-only secrets (replace / remove) and deleting it.

const NONE: RefusedSave = { fields: {}, general: null };
const NAME_SPEC: FieldSpec = { input: 'text', required: true, label: 'channels.name', help: 'channels.nameHelp' };

export function ChannelDetails({
  client,
  connection,
  origin,
  justCreated,
  onChanged,
  onDeleted,
  onBack,
}: {
  client: ApiClient;
  connection: ChannelDto;
  origin: string;
  justCreated: boolean;
  onChanged(c: ChannelDto): void;
  onDeleted(c: ChannelDto): void;
  onBack(): void;
}) {
  const { t } = useI18n();
  const spec = KIND_SPECS[connection.kind];
  return (
    <section className="channel-details" aria-labelledby="channel-title">
      <button type="button" className="link" onClick={onBack}>
        ← {t('channels.backToList')}
      </button>
      <h2 id="channel-title" tabIndex={-1} data-view-heading>
        <span className={`kind-badge kind-${connection.kind}`} aria-hidden="true">
          {spec.badge}
        </span>{' '}
        {connection.name} <span className="kind-label">· {t(spec.label)}</span>
      </h2>
      <p>
        <ConnectionStatus connection={connection} />
      </p>
      {justCreated ? (
        <p role="status" className="notice">
          {t('channels.connected', { name: connection.name })}
        </p>
      ) : null}
      <WhereToPoint connection={connection} origin={origin} />
      <SettingsForm key={connection.id} client={client} connection={connection} onChanged={onChanged} />
      <SecretsPanel client={client} connection={connection} onChanged={onChanged} />
      <DeleteChannel client={client} connection={connection} onDeleted={onDeleted} />
    </section>
  );
}

function WhereToPoint({ connection, origin }: { connection: ChannelDto; origin: string }) {
  const { t } = useI18n();
  const url = webhookUrl(origin, connection);
  if (connection.kind === 'webchat') {
    const demo = `${origin.replace(/\/$/, '')}/webchat/demo?channel=${encodeURIComponent(connection.id)}`;
    return (
      <section className="where-to-point" aria-label={t('channels.embed')}>
        <CopyBox id="channel-embed" label={t('channels.embed')} value={embedSnippet(origin, connection.id)} multiline />
        <p className="field-help">{t('channels.embedHelp')}</p>
        <a href={demo} target="_blank" rel="noreferrer">
          {t('channels.demo')}
        </a>
      </section>
    );
  }
  if (!url) return <p className="field-help">{t('channels.noWebhook')}</p>;
  const meta = connection.kind === 'messenger' || connection.kind === 'instagram';
  return (
    <section className="where-to-point" aria-label={t('channels.webhook')}>
      <CopyBox id="channel-webhook" label={t('channels.webhook')} value={url} />
      <p className="field-help">
        {t(connection.kind === 'line' ? 'channels.webhookHelp.line' : meta ? 'channels.webhookHelp.meta' : 'channels.webhookHelp.whatsapp')}
      </p>
      {connection.kind !== 'line' ? <p className="field-help">{t('channels.verifyReminder')}</p> : null}
    </section>
  );
}

function SettingsForm({ client, connection, onChanged }: { client: ApiClient; connection: ChannelDto; onChanged(c: ChannelDto): void }) {
  const { t } = useI18n();
  const [name, setName] = useState(connection.name);
  const [settings, setSettings] = useState(() => settingsToForm(connection.kind, connection.settings));
  const [refused, setRefused] = useState<RefusedSave>(NONE);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);
  const fields = settingsFields(connection.kind);
  const shown = new Set(['name', ...fields.map(([k]) => `settings.${k}`)]);
  const unplaced = Object.values(refused.fields).filter((p) => !shown.has(p.field));

  async function save() {
    setSaved(false);
    const missing = [...(name.trim() ? [] : ['name']), ...fields.filter(([k, f]) => f.required && !(settings[k] ?? '').trim()).map(([k]) => `settings.${k}`)];
    if (missing.length > 0) {
      setRefused({ fields: Object.fromEntries(missing.map((f) => [f, { field: f, code: 'invalid_type', message: '' }])), general: null });
      focusField(missing[0]);
      return;
    }
    setSaving(true);
    try {
      const next = await client.channels.update.mutate({ id: connection.id, name: name.trim(), settings: formToSettings(connection.kind, settings) });
      setRefused(NONE);
      setSaved(true);
      onChanged(next);
    } catch (error) {
      const r = refusedSave(error, t);
      setRefused(r);
      focusField(Object.keys(r.fields)[0]);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      className="channel-form"
      aria-label={t('channels.settings')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>{t('channels.settings')}</h3>
      <ChannelField id={fieldId('name')} spec={NAME_SPEC} value={name} onChange={setName} problem={refused.fields.name} />
      {fields.map(([k, f]) => (
        <ChannelField
          key={k}
          id={fieldId(`settings.${k}`)}
          spec={f}
          value={settings[k] ?? ''}
          onChange={(v) => setSettings((s) => ({ ...s, [k]: v }))}
          problem={refused.fields[`settings.${k}`]}
        />
      ))}
      {unplaced.length > 0 || refused.general ? (
        <ul className="form-errors" role="alert">
          {refused.general ? <li>{refused.general}</li> : null}
          {unplaced.map((p) => (
            <li key={p.field}>{p.message}</li>
          ))}
        </ul>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? t('channels.saving') : t('channels.saveChanges')}
        </button>
        <span role="status">{saved ? t('channels.saved') : ''}</span>
      </div>
    </form>
  );
}

function SecretsPanel({ client, connection, onChanged }: { client: ApiClient; connection: ChannelDto; onChanged(c: ChannelDto): void }) {
  const { t } = useI18n();
  const [said, setSaid] = useState('');
  const specs = secretFields(connection.kind);
  // Call an API: the stored names, plus a row to add one.
  const rows: [string, FieldSpec | null][] = specs ?? Object.keys(connection.secrets).map((k) => [k, null]);
  return (
    <section className="secrets-panel" aria-labelledby="secrets-title">
      <h3 id="secrets-title">{t('channels.secrets')}</h3>
      <ul className="secret-list">
        {rows.map(([key, spec]) => (
          <SecretRow
            key={key}
            client={client}
            connection={connection}
            secretKey={key}
            label={spec ? t(spec.label) : key}
            spec={spec}
            onDone={(next, sentence) => {
              setSaid(sentence);
              onChanged(next);
            }}
          />
        ))}
      </ul>
      {specs ? null : (
        <AddNamedSecret
          client={client}
          connection={connection}
          onDone={(next, sentence) => {
            setSaid(sentence);
            onChanged(next);
          }}
        />
      )}
      <p role="status" className="notice-line">
        {said}
      </p>
    </section>
  );
}

function SecretRow({
  client,
  connection,
  secretKey,
  label,
  spec,
  onDone,
}: {
  client: ApiClient;
  connection: ChannelDto;
  secretKey: string;
  label: string;
  spec: FieldSpec | null;
  onDone(next: ChannelDto, sentence: string): void;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [refused, setRefused] = useState<RefusedSave>(NONE);
  const [busy, setBusy] = useState(false);
  const hint = connection.secrets[secretKey];
  const id = fieldId(`rotate.${secretKey}`);

  async function send(next: string | null) {
    if (next !== null && next === '') {
      setRefused({ fields: { value: { field: 'value', code: 'invalid_type', message: '' } }, general: null });
      return;
    }
    setBusy(true);
    try {
      const updated = await client.channels.rotateSecret.mutate({ id: connection.id, name: secretKey, value: next });
      setEditing(false);
      setValue('');
      setRefused(NONE);
      onDone(updated, t(next === null ? 'channels.secretRemoved' : 'channels.secretRotated', { secret: label }));
    } catch (error) {
      setRefused(refusedSave(error, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="secret-row" data-testid={`secret-${secretKey}`}>
      <span className="secret-name">{label}</span> <MaskedSecret hint={hint} />{' '}
      {editing ? null : (
        <button type="button" aria-label={t('channels.replaceNamed', { secret: label })} onClick={() => setEditing(true)}>
          {t('channels.replace')}
        </button>
      )}{' '}
      {hint && !spec?.required && !editing ? (
        <button type="button" aria-label={t('channels.removeNamed', { secret: label })} disabled={busy} onClick={() => void send(null)}>
          {t('channels.removeSecret')}
        </button>
      ) : null}
      {editing ? (
        <form
          className="rotate-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void send(value);
          }}
        >
          <ChannelField
            id={id}
            spec={{ input: 'secret', required: true, label: 'channels.secretValue', help: spec?.help ?? 'channels.blurb.http' }}
            labelText={t('channels.newValue', { secret: label })}
            value={value}
            onChange={setValue}
            problem={refused.fields.value ?? refused.fields.name}
          />
          {refused.general ? <p className="field-error">{refused.general}</p> : null}
          <button type="submit" className="primary" disabled={busy}>
            {t('channels.saveSecret')}
          </button>{' '}
          <button
            type="button"
            onClick={() => {
              setEditing(false);
              setValue('');
              setRefused(NONE);
            }}
          >
            {t('cancel')}
          </button>
        </form>
      ) : null}
    </li>
  );
}

function AddNamedSecret({ client, connection, onDone }: { client: ApiClient; connection: ChannelDto; onDone(next: ChannelDto, sentence: string): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [refused, setRefused] = useState<RefusedSave>(NONE);
  return (
    <form
      className="channel-form add-secret"
      aria-label={t('channels.addSecret')}
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const missing = [...(name.trim() ? [] : ['name']), ...(value ? [] : ['value'])];
        if (missing.length > 0) {
          setRefused({ fields: Object.fromEntries(missing.map((f) => [f, { field: f, code: 'invalid_type', message: '' }])), general: null });
          return;
        }
        try {
          const next = await client.channels.rotateSecret.mutate({ id: connection.id, name: name.trim(), value });
          setName('');
          setValue('');
          setRefused(NONE);
          onDone(next, t('channels.secretRotated', { secret: name.trim() }));
        } catch (error) {
          setRefused(refusedSave(error, t));
        }
      }}
    >
      <h4>{t('channels.addSecret')}</h4>
      <ChannelField
        id="ch-add-name"
        spec={{ input: 'text', required: true, label: 'channels.secretName', help: 'channels.secretNameHelp' }}
        value={name}
        onChange={setName}
        problem={refused.fields.name}
      />
      <ChannelField
        id="ch-add-value"
        spec={{ input: 'secret', required: true, label: 'channels.secretValue', help: 'channels.blurb.http' }}
        value={value}
        onChange={setValue}
        problem={refused.fields.value}
      />
      {refused.general ? <p className="field-error">{refused.general}</p> : null}
      <button type="submit">{t('channels.addSecret')}</button>
    </form>
  );
}

function DeleteChannel({ client, connection, onDeleted }: { client: ApiClient; connection: ChannelDto; onDeleted(c: ChannelDto): void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        {t('channels.delete')}
      </button>
      {asking ? (
        <Dialog title={t('channels.deleteTitle', { name: connection.name })} onClose={() => setAsking(false)}>
          <p>{t('channels.deleteBody')}</p>
          {problem ? <p role="alert">{problem}</p> : null}
          <div className="form-actions">
            <button type="button" onClick={() => setAsking(false)}>
              {t('cancel')}
            </button>
            <button
              type="button"
              className="danger"
              onClick={async () => {
                try {
                  await client.channels.delete.mutate({ id: connection.id });
                  setAsking(false);
                  onDeleted(connection);
                } catch (error) {
                  setProblem(refusedSave(error, t).general ?? t('error.generic'));
                }
              }}
            >
              {t('channels.deleteConfirm')}
            </button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}

import { useI18n } from '../i18n.tsx';
import { type ChannelDto, KIND_SPECS, missingSecrets, secretFields } from './channel-kinds.ts';

/** "••••1234" for a long secret, "set" for a short one (the api keeps no last 4 for those), "not set". */
export function MaskedSecret({ hint }: { hint: { set: true; last4: string } | undefined }) {
  const { t } = useI18n();
  if (!hint) return <span className="secret-mask unset">{t('channels.notSet')}</span>;
  return <span className="secret-mask">{hint.last4 ? `••••${hint.last4}` : t('channels.secretSet')}</span>;
}

/** Ready, or which required secrets are missing (one can be removed after connecting). */
export function ConnectionStatus({ connection }: { connection: ChannelDto }) {
  const { t } = useI18n();
  const missing = missingSecrets(connection);
  if (missing.length === 0) return <span className="status-pill ready">✓ {t('channels.status.ready')}</span>;
  const labels = Object.fromEntries((secretFields(connection.kind) ?? []).map(([k, f]) => [k, t(f.label)]));
  return <span className="status-pill missing">⚠ {t('channels.status.missing', { fields: missing.map((k) => labels[k] ?? k).join(', ') })}</span>;
}

/** The secrets column: each set secret by its label and mask. */
export function SecretsSummary({ connection }: { connection: ChannelDto }) {
  const { t } = useI18n();
  const labels = Object.fromEntries((secretFields(connection.kind) ?? []).map(([k, f]) => [k, t(f.label)]));
  // In the kind's own order, not the order they were last written in.
  const order = Object.keys(labels);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const set = Object.entries(connection.secrets).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  if (set.length === 0) return <span>{t('channels.noSecrets')}</span>;
  return (
    <ul className="secret-summary">
      {set.map(([k, hint]) => (
        <li key={k}>
          {labels[k] ?? k} <MaskedSecret hint={hint} />
        </li>
      ))}
    </ul>
  );
}

export function KindBadge({ kind }: { kind: ChannelDto['kind'] }) {
  const { t } = useI18n();
  return (
    <>
      <span className={`kind-badge kind-${kind}`} aria-hidden="true">
        {KIND_SPECS[kind].badge}
      </span>{' '}
      {t(KIND_SPECS[kind].label)}
    </>
  );
}

import { CHANNEL_LABELS, type ChannelKind } from '@omniflow/schemas';
import { useState } from 'react';
import { MessagePreview, SAMPLE_CONTACTS } from '../../cards/index.ts';
import { useI18n } from '../i18n.tsx';

/** The channel-faithful preview of a message node (the same renderers Storybook uses), per flow channel. */
export function CardPreview({ nodeType, config, channels }: { nodeType: string; config: unknown; channels: readonly ChannelKind[] }) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<ChannelKind | undefined>(undefined);
  const channel = chosen && channels.includes(chosen) ? chosen : channels[0];
  if (!channel) return null;
  const contact = Object.values(SAMPLE_CONTACTS)[0];
  return (
    <section className="card-preview" aria-label={t('preview.title')}>
      <h2>{t('preview.title')}</h2>
      {channels.length > 1 && (
        <label>
          {t('preview.channel')}{' '}
          <select value={channel} onChange={(e) => setChosen(e.target.value as ChannelKind)}>
            {channels.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
      )}
      <MessagePreview nodeType={nodeType} config={config} channel={channel} flowKind="journey" loadImages={false} {...(contact ? { contact } : {})} />
    </section>
  );
}

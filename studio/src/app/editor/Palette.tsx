import type { Catalogue } from '@omniflow/nodes';
import type { ChannelKind } from '@omniflow/schemas';
import { useMemo, useState } from 'react';
import { useI18n } from '../i18n.tsx';
import { iconFor } from './icons.ts';

export const PALETTE_MIME = 'application/x-omniflow-node';

/** Node types this journey can use (kind and channels), searchable in both languages; drag onto the canvas or press Add. */
export function Palette({ catalogue, channels, onAdd }: { catalogue: Catalogue; channels: readonly ChannelKind[]; onAdd(type: string): void }) {
  const { t, l } = useI18n();
  const [query, setQuery] = useState('');
  const items = useMemo(() => {
    const q = query.trim().toLowerCase();
    return catalogue
      .palette({ kind: 'journey', channels })
      .filter((d) => !q || [d.type, d.label.en, d.label['zh-Hant'], d.description.en, d.description['zh-Hant']].some((s) => s.toLowerCase().includes(q)));
  }, [catalogue, channels, query]);
  return (
    <nav className="palette" aria-label={t('editor.palette')}>
      <h2>{t('editor.palette')}</h2>
      <input
        type="search"
        placeholder={t('editor.paletteSearch')}
        aria-label={t('editor.paletteSearch')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul>
        {items.map((d) => (
          <li
            key={d.type}
            className={`palette-item cat-${d.category}`}
            draggable
            data-type={d.type}
            title={l(d.description)}
            onDragStart={(e) => {
              e.dataTransfer.setData(PALETTE_MIME, d.type);
              e.dataTransfer.effectAllowed = 'move';
            }}
          >
            <span aria-hidden="true">{iconFor(d.icon, d.category)}</span>
            <span className="palette-label">{l(d.label)}</span>
            <button type="button" className="palette-add" aria-label={`${t('editor.addToCanvas')}: ${l(d.label)}`} onClick={() => onAdd(d.type)}>
              +
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

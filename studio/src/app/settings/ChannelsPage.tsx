import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n.tsx';
import { problemText } from '../problem-text.ts';
import { type ApiClient, type Me, toProblem } from '../trpc.ts';
import { ChannelDetails } from './ChannelDetails.tsx';
import { ConnectForm } from './ConnectForm.tsx';
import { type ChannelDto, type ChannelKind, canManageChannels, KIND_ORDER, KIND_SPECS } from './channel-kinds.ts';
import { ConnectionStatus, KindBadge, SecretsSummary } from './parts.tsx';
import './settings.css';

// Settings → Channels (#/settings/channels): the connections list, "Connect a channel" (pick a kind,
// then its form) and one connection's page. Admins only; anyone else gets a sentence.

type View = { mode: 'list' } | { mode: 'pick' } | { mode: 'new'; kind: ChannelKind } | { mode: 'detail'; id: string; justCreated: boolean };

export const CHANNELS_KEY = ['channels', 'list'] as const;

export function ChannelsPage({ client, me, origin = window.location.origin }: { client: ApiClient; me: Me; origin?: string }) {
  const { t } = useI18n();
  if (!canManageChannels(me)) {
    return (
      <main className="settings-page">
        <h1>{t('channels.title')}</h1>
        <p>{t('channels.notAllowed')}</p>
      </main>
    );
  }
  return <ChannelsAdmin client={client} origin={origin} />;
}

function ChannelsAdmin({ client, origin }: { client: ApiClient; origin: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [view, setView] = useState<View>({ mode: 'list' });
  const [notice, setNotice] = useState('');
  const list = useQuery({ queryKey: CHANNELS_KEY, queryFn: () => client.channels.list.query({}) });
  const mainRef = useRef<HTMLElement>(null);
  const firstView = useRef(true);
  // Each step replaces the page's content: keyboard and screen-reader users start at its heading.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of view, which is what it is for
  useEffect(() => {
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('[data-view-heading]')?.focus();
  }, [view]);
  const put = (c: ChannelDto) =>
    queryClient.setQueryData<ChannelDto[]>(CHANNELS_KEY, (all = []) =>
      all.some((x) => x.id === c.id) ? all.map((x) => (x.id === c.id ? c : x)) : [...all, c],
    );

  let body: ReactNode;
  if (view.mode === 'pick') {
    body = <KindPicker onPick={(kind) => setView({ mode: 'new', kind })} onBack={() => setView({ mode: 'list' })} />;
  } else if (view.mode === 'new') {
    body = (
      <ConnectForm
        client={client}
        kind={view.kind}
        onBack={() => setView({ mode: 'pick' })}
        onCreated={(c) => {
          put(c);
          setView({ mode: 'detail', id: c.id, justCreated: true });
        }}
      />
    );
  } else if (view.mode === 'detail') {
    const connection = list.data?.find((c) => c.id === view.id);
    body = connection ? (
      <ChannelDetails
        client={client}
        connection={connection}
        origin={origin}
        justCreated={view.justCreated}
        onChanged={put}
        onDeleted={(c) => {
          queryClient.setQueryData<ChannelDto[]>(CHANNELS_KEY, (all = []) => all.filter((x) => x.id !== c.id));
          setNotice(t('channels.deleted', { name: c.name }));
          setView({ mode: 'list' });
        }}
        onBack={() => setView({ mode: 'list' })}
      />
    ) : (
      <p className="loading">…</p>
    );
  } else if (list.isPending) {
    body = <p className="loading">…</p>;
  } else if (list.isError) {
    body = <p role="alert">{problemText(toProblem(list.error), t)}</p>;
  } else {
    body = (
      <ChannelTable
        channels={list.data}
        onOpen={(id) => {
          setNotice('');
          setView({ mode: 'detail', id, justCreated: false });
        }}
      />
    );
  }

  return (
    <main className="settings-page" ref={mainRef}>
      <div className="settings-head">
        <h1 tabIndex={-1} data-view-heading={view.mode === 'list' || undefined}>
          {t('channels.title')}
        </h1>
        {view.mode === 'list' ? (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setNotice('');
              setView({ mode: 'pick' });
            }}
          >
            {t('channels.connect')}
          </button>
        ) : null}
      </div>
      <p className="settings-intro">{t('channels.intro')}</p>
      <p role="status" className="notice-line">
        {notice}
      </p>
      {body}
    </main>
  );
}

function ChannelTable({ channels, onOpen }: { channels: ChannelDto[]; onOpen(id: string): void }) {
  const { t } = useI18n();
  if (channels.length === 0) return <p>{t('channels.empty')}</p>;
  return (
    <table className="channel-table">
      <thead>
        <tr>
          <th scope="col">{t('channels.col.kind')}</th>
          <th scope="col">{t('channels.col.name')}</th>
          <th scope="col">{t('channels.col.status')}</th>
          <th scope="col">{t('channels.col.secrets')}</th>
          <th scope="col">
            <span className="visually-hidden">{t('channels.manage')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {channels.map((c) => (
          <tr key={c.id} data-testid={`channel-${c.id}`}>
            <td>
              <KindBadge kind={c.kind} />
            </td>
            <td>{c.name}</td>
            <td>
              <ConnectionStatus connection={c} />
            </td>
            <td>
              <SecretsSummary connection={c} />
            </td>
            <td>
              <button type="button" aria-label={t('channels.manageNamed', { name: c.name })} onClick={() => onOpen(c.id)}>
                {t('channels.manage')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function KindPicker({ onPick, onBack }: { onPick(kind: ChannelKind): void; onBack(): void }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="pick-kind">
      <h2 id="pick-kind" tabIndex={-1} data-view-heading>
        {t('channels.pickKind')}
      </h2>
      <ul className="kind-picker">
        {KIND_ORDER.map((kind) => (
          <li key={kind}>
            <button type="button" className="kind-option" onClick={() => onPick(kind)}>
              <span className={`kind-badge kind-${kind}`} aria-hidden="true">
                {KIND_SPECS[kind].badge}
              </span>
              <strong>{t(KIND_SPECS[kind].label)}</strong>
              <span className="kind-blurb">{t(KIND_SPECS[kind].blurb)}</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onBack}>
        {t('channels.back')}
      </button>
    </section>
  );
}

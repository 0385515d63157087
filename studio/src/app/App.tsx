import { catalogue } from 'virtual:omniflow-catalogue';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Editor } from './editor/Editor.tsx';
import { FlowList } from './FlowList.tsx';
import { I18nProvider, useI18n } from './i18n.tsx';
import { problemText } from './problem-text.ts';
import { SignIn } from './SignIn.tsx';
import { ChannelsPage } from './settings/ChannelsPage.tsx';
import { canManageChannels } from './settings/channel-kinds.ts';
import { type ApiClient, api, toProblem } from './trpc.ts';

/** The route lives in the hash (#/flows/<id>), so a reload reopens the same flow and any static server works. */
const readRoute = () => window.location.hash.replace(/^#/, '') || '/';

function useRoute(): [string, (next: string) => void] {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const on = () => setRoute(readRoute());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return [
    route,
    (next) => {
      window.location.hash = next;
    },
  ];
}

export function App({ client = api }: { client?: ApiClient }) {
  return (
    <I18nProvider>
      <Shell client={client} />
    </I18nProvider>
  );
}

function Shell({ client }: { client: ApiClient }) {
  const { t, locale, setLocale } = useI18n();
  const queryClient = useQueryClient();
  const [route, go] = useRoute();
  const me = useQuery({ queryKey: ['me'], queryFn: () => client.auth.me.query() });
  if (me.isPending) return <p className="loading">…</p>;
  if (me.isError) return <p role="alert">{problemText(toProblem(me.error), t)}</p>;
  if (!me.data) return <SignIn client={client} onSignedIn={() => void queryClient.invalidateQueries()} />;
  const flowId = /^\/flows\/([^/]+)$/.exec(route)?.[1];
  return (
    <div className="app">
      <header className="app-bar">
        <strong>{t('app.title')}</strong>
        <nav aria-label={t('app.title')} className="app-nav">
          <a href="#/">{t('nav.flows')}</a>
          {canManageChannels(me.data) ? <a href="#/settings/channels">{t('nav.channels')}</a> : null}
        </nav>
        <span className="spacer" />
        <label>
          {t('language')}{' '}
          <select value={locale} onChange={(e) => setLocale(e.target.value === 'zh-Hant' ? 'zh-Hant' : 'en')}>
            <option value="en">English</option>
            <option value="zh-Hant">繁體中文</option>
          </select>
        </label>
        <span>{me.data.name}</span>
        <button
          type="button"
          onClick={async () => {
            await client.auth.signOut.mutate({});
            queryClient.clear();
            await me.refetch();
          }}
        >
          {t('signout')}
        </button>
      </header>
      {route === '/settings/channels' ? (
        <ChannelsPage client={client} me={me.data} />
      ) : flowId ? (
        <FlowEditorPage client={client} id={decodeURIComponent(flowId)} onBack={() => go('/')} />
      ) : (
        <FlowList client={client} onOpen={(id) => go(`/flows/${encodeURIComponent(id)}`)} />
      )}
    </div>
  );
}

function FlowEditorPage({ client, id, onBack }: { client: ApiClient; id: string; onBack(): void }) {
  const { t } = useI18n();
  // Fetched fresh on every open: the editor owns the draft from then on.
  const flow = useQuery({ queryKey: ['flow', id], queryFn: () => client.flows.get.query({ id }), gcTime: 0, staleTime: Number.POSITIVE_INFINITY });
  if (flow.isPending) return <p className="loading">…</p>;
  if (flow.isError) return <p role="alert">{problemText(toProblem(flow.error), t)}</p>;
  return <Editor key={flow.data.id} client={client} flow={flow.data} catalogue={catalogue} onBack={onBack} />;
}

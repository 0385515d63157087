import { BOT_SCOPES, type BotScope, CHANNEL_LABELS, type ChannelKind, type FlowKind, SENDABLE_CHANNELS } from '@omniflow/schemas';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type MessageKey, useI18n } from './i18n.tsx';
import { problemText } from './problem-text.ts';
import { type ApiClient, type RouterInputs, toProblem } from './trpc.ts';

type ListInput = RouterInputs['flows']['list'];
type Status = NonNullable<ListInput['status']>;
// The api's statuses (its runtime value lives with server code, so only the type is shared).
const FLOW_STATUSES = ['draft', 'scheduled', 'active', 'paused', 'ended', 'archived'] as const satisfies readonly Status[];

export function FlowList({ client, onOpen }: { client: ApiClient; onOpen(id: string): void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<FlowKind | ''>('');
  const [status, setStatus] = useState<Status | ''>('');
  const [channel, setChannel] = useState<ChannelKind | ''>('');
  const [creating, setCreating] = useState<FlowKind | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const input: ListInput = {
    ...(search.trim() ? { search: search.trim() } : {}),
    ...(kind ? { kind } : {}),
    ...(status ? { status } : {}),
    ...(channel ? { channel } : {}),
    limit: 50,
  };
  const list = useInfiniteQuery({
    queryKey: ['flows', input],
    queryFn: ({ pageParam }) => client.flows.list.query({ ...input, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['flows'] });
  const act = useMutation({
    mutationFn: ({ action, id }: { action: 'duplicate' | 'archive'; id: string }) =>
      action === 'duplicate' ? client.flows.duplicate.mutate({ id }) : client.flows.archive.mutate({ id }),
    onSuccess: () => {
      setActionError(null);
      void refresh();
    },
    onError: (err) => setActionError(problemText(toProblem(err), t)),
  });

  return (
    <main className="flow-list">
      <div className="list-bar">
        <h1>{t('flows.title')}</h1>
        <button type="button" className="primary" onClick={() => setCreating('journey')}>
          {t('create.journey')}
        </button>
        <button type="button" onClick={() => setCreating('chatbot')}>
          {t('create.chatbot')}
        </button>
      </div>
      <div className="filters">
        <input type="search" aria-label={t('flows.search')} placeholder={t('flows.search')} value={search} onChange={(e) => setSearch(e.target.value)} />
        <label>
          {t('flows.kind')}{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as FlowKind | '')}>
            <option value="">{t('flows.all')}</option>
            <option value="journey">{t('kind.journey')}</option>
            <option value="chatbot">{t('kind.chatbot')}</option>
          </select>
        </label>
        <label>
          {t('flows.status')}{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="">{t('flows.all')}</option>
            {FLOW_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('flows.channel')}{' '}
          <select value={channel} onChange={(e) => setChannel(e.target.value as ChannelKind | '')}>
            <option value="">{t('flows.all')}</option>
            {SENDABLE_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {actionError && (
        <p role="alert" className="field-error">
          {actionError}
        </p>
      )}
      {creating && (
        <CreateFlow
          client={client}
          kind={creating}
          onCancel={() => setCreating(null)}
          onCreated={(id) => {
            setCreating(null);
            void refresh();
            onOpen(id);
          }}
        />
      )}
      {list.isPending ? (
        <p className="loading">…</p>
      ) : list.isError ? (
        <p role="alert">{problemText(toProblem(list.error), t)}</p>
      ) : items.length === 0 ? (
        <p>{t('flows.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('flows.name')}</th>
              <th>{t('flows.kind')}</th>
              <th>{t('flows.status')}</th>
              <th>{t('flows.channel')}</th>
              <th>{t('flows.updated')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((f) => (
              <tr key={f.id}>
                <td>
                  <a href={`#/flows/${encodeURIComponent(f.id)}`}>{f.name}</a>
                </td>
                <td>{t(`kind.${f.kind}` as MessageKey)}</td>
                <td>{t(`status.${f.status}` as MessageKey)}</td>
                <td>{f.channels.map((c) => CHANNEL_LABELS[c]).join(', ')}</td>
                <td>{new Date(f.updatedAt).toLocaleString()}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => act.mutate({ action: 'duplicate', id: f.id })} aria-label={`${t('flows.duplicate')} ${f.name}`}>
                    {t('flows.duplicate')}
                  </button>
                  {(f.status === 'draft' || f.status === 'paused' || f.status === 'ended') && (
                    <button type="button" onClick={() => act.mutate({ action: 'archive', id: f.id })} aria-label={`${t('flows.archive')} ${f.name}`}>
                      {t('flows.archive')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && (
        <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {t('flows.more')}
        </button>
      )}
    </main>
  );
}

function CreateFlow({ client, kind, onCancel, onCreated }: { client: ApiClient; kind: FlowKind; onCancel(): void; onCreated(id: string): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [channels, setChannels] = useState<ChannelKind[]>(['line']);
  const [scope, setScope] = useState<BotScope>('line');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const flow =
        kind === 'journey'
          ? await client.flows.create.mutate({ kind, name, channels: channels as (typeof SENDABLE_CHANNELS)[number][] })
          : await client.flows.create.mutate({ kind, name, scope });
      onCreated(flow.id);
    } catch (err) {
      setError(problemText(toProblem(err), t));
    }
  };
  return (
    <form className="create-flow" onSubmit={submit} aria-label={t(kind === 'journey' ? 'create.journey' : 'create.chatbot')}>
      <h2>{t(kind === 'journey' ? 'create.journey' : 'create.chatbot')}</h2>
      <label htmlFor="new-flow-name">{t('create.name')}</label>
      <input id="new-flow-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      {kind === 'journey' ? (
        <fieldset>
          <legend>{t('create.channels')}</legend>
          {SENDABLE_CHANNELS.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={channels.includes(c)}
                onChange={(e) => setChannels(e.target.checked ? [...channels, c] : channels.filter((x) => x !== c))}
              />
              {CHANNEL_LABELS[c]}
            </label>
          ))}
        </fieldset>
      ) : (
        <label>
          {t('create.scope')}{' '}
          <select value={scope} onChange={(e) => setScope(e.target.value as BotScope)}>
            {BOT_SCOPES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
        <button type="submit" className="primary" disabled={!name.trim() || (kind === 'journey' && channels.length === 0)}>
          {t('create.submit')}
        </button>
      </div>
    </form>
  );
}

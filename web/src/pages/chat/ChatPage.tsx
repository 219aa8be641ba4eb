// The Chat app: the conversation list (unread and mention badges, kept live through
// the tab's WebSocket; a filter field and filters; each person's favourite, mute and
// archive) beside the open conversation. The open one is in the URL
// (/chat/<id>); on a phone the list and the conversation are two screens.
import { useCallback, useEffect, useRef, useState } from 'react';
import { chatApi, onMessageCreated, onPersonal, onRead, type ConversationSummary, type Message, type Personal } from '../../api/chat';
import { toApiError, type ApiError } from '../../api/client';
import { useRealtime, useRealtimeState, type RealtimeEvent } from '../../api/realtime';
import { ErrorMessage, TextField } from '../../components/Form';
import { useT } from '../../i18n/i18n';
import { navigate, useSearch } from '../../router';
import { useUser } from '../../session';
import { MessageSearch } from './MessageSearch';
import { MessageView } from './MessageView';
import { ConversationRow } from './ConversationRow';
import { LIST_FILTERS, visibleConversations, type ListFilter } from './conversationList';
import { NewConversationDialog } from './NewConversationDialog';
import { useNotifyPermission } from './chatWatch';
import { StatusMenu, usePresence } from './presence';
import './Chat.css';

export const CHAT_URL = '/chat';

/** The conversation id in a /chat/<id> path, or null for the list alone. */
export function conversationOf(path: string): string | null {
  const rest = path.startsWith(CHAT_URL + '/') ? path.slice(CHAT_URL.length + 1) : '';
  return /^\d+$/.test(rest) ? rest : null;
}

const LIST_EVENTS = new Set(['chat.conversation.created', 'chat.conversation.updated', 'chat.conversation.deleted', 'chat.member.removed']);

export function ChatPage({ path }: { path: string }) {
  const t = useT();
  const me = useUser().login;
  const selected = conversationOf(path);
  // A search hit opens the conversation at its message: /chat/<id>?m=<message>.
  const focus = new URLSearchParams(useSearch()).get('m');
  const [list, setList] = useState<ConversationSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [creating, setCreating] = useState(false);
  const [filter, setFilter] = useState<ListFilter>('all');
  const [query, setQuery] = useState('');
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  // Only the answer to the latest request counts; an event applied while one is on its
  // way may be missing from it (read before the event), so the list is read again then.
  const seq = useRef(0);
  const pending = useRef(false);
  const stale = useRef(false);
  const reload = useCallback(() => {
    const n = ++seq.current;
    pending.current = true;
    stale.current = false;
    chatApi.conversations().then(
      (r) => {
        if (n !== seq.current) return;
        pending.current = false;
        setList(r.items);
        setError(null);
        if (stale.current) reload();
      },
      (e: unknown) => {
        if (n !== seq.current) return;
        pending.current = false;
        setError(toApiError(e));
      },
    );
  }, []);
  useEffect(reload, [reload]);

  // The conversation being read: its new messages are not unread.
  const reading = () => (document.visibilityState === 'visible' ? selectedRef.current : null);
  const apply = (change: (l: ConversationSummary[]) => ConversationSummary[] | null) => {
    if (pending.current) stale.current = true;
    setList((l) => {
      if (!l) return l;
      const next = change(l);
      if (next === null) queueMicrotask(reload);
      return next ?? l;
    });
  };

  const client = useRealtime((e: RealtimeEvent) => {
    if (e.type === 'caught-up') reload();
    else if (e.type === 'chat.message.created') apply((l) => onMessageCreated(l, e.data as Message, me, reading()));
    else if (e.type === 'chat.read') apply((l) => onRead(l, e.data, me));
    else if (e.type === 'chat.conversation.personal') apply((l) => onPersonal(l, e.data as Personal));
    else if (LIST_EVENTS.has(e.type)) {
      reload();
      const gone = e.type === 'chat.conversation.deleted' || (e.type === 'chat.member.removed' && e.data.login === me);
      if (gone && e.data.conversation === selectedRef.current) navigate(CHAT_URL, { replace: true });
    }
  });
  const state = useRealtimeState(client);
  const presence = usePresence(client);
  const notify = useNotifyPermission();
  const summary = list?.find((c) => c.id === selected) ?? null;
  const shown = list ? visibleConversations(list, filter, query) : null;

  return (
    <div className="chat-page" data-testid="chat-page" data-view={selected ? 'conversation' : 'list'} data-connection={state}>
      <aside className="chat-list-pane" aria-label={t('chat.conversations')}>
        <div className="chat-list-head">
          <h1>{t('chat.title')}</h1>
          <StatusMenu client={client} map={presence} me={me} />
          {notify.askable && (
            <button type="button" className="btn btn-small" title={t('chat.notify.enableHint')} onClick={notify.ask} data-testid="chat-notify-enable">
              {t('chat.notify.enable')}
            </button>
          )}
          <button type="button" className="btn btn-small btn-primary" onClick={() => setCreating(true)} data-testid="chat-new">
            {t('chat.new')}
          </button>
        </div>
        <MessageSearch />
        {state === 'waiting' && (
          <p className="chat-offline" role="status" data-testid="chat-offline">
            {t('chat.reconnecting')}
          </p>
        )}
        <ErrorMessage error={error} testId="chat-list-error" />
        {list && list.length > 0 && (
          <div className="chat-list-filters">
            <TextField
              label={t('chat.list.search')}
              type="search"
              value={query}
              onChange={setQuery}
              placeholder={t('chat.list.searchPlaceholder')}
              autoComplete="off"
              className="field-inline"
              testId="chat-list-search"
            />
            <div className="chat-filter-tabs" role="group" aria-label={t('chat.list.filters')}>
              {LIST_FILTERS.map((f) => (
                <button
                  key={f}
                  type="button"
                  className="btn btn-small"
                  aria-pressed={filter === f}
                  onClick={() => setFilter(f)}
                  data-testid="chat-filter"
                  data-filter={f}
                >
                  {t(`chat.filter.${f}`)}
                </button>
              ))}
            </div>
          </div>
        )}
        {list && list.length === 0 && (
          <p className="muted" data-testid="chat-empty">
            {t('chat.empty')}
          </p>
        )}
        {shown && list && list.length > 0 && shown.length === 0 && (
          <p className="muted" data-testid="chat-list-none">
            {query.trim() ? t('chat.list.noMatch', { q: query.trim() }) : t(`chat.list.none.${filter}`)}
          </p>
        )}
        <ul className="chat-list" data-testid="chat-list">
          {shown?.map((c) => (
            <ConversationRow
              key={c.id}
              c={c}
              to={`${CHAT_URL}/${c.id}`}
              selected={c.id === selected}
              presence={presence}
              onPersonal={(p) => apply((l) => onPersonal(l, p))}
            />
          ))}
        </ul>
      </aside>
      <section className="chat-conversation-pane">
        {selected ? (
          <MessageView key={`${selected}:${focus ?? ''}`} id={selected} focus={focus} summary={summary} me={me} client={client} presence={presence} />
        ) : (
          <p className="muted chat-none">{t('chat.pick')}</p>
        )}
      </section>
      {creating && (
        <NewConversationDialog
          me={me}
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            reload();
            navigate(`${CHAT_URL}/${id}`);
          }}
        />
      )}
    </div>
  );
}

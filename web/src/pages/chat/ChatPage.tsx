// The Chat app: the conversation list (unread and mention badges, kept live through
// the tab's WebSocket) beside the open conversation. The open one is in the URL
// (/chat/<id>); on a phone the list and the conversation are two screens.
import { useCallback, useEffect, useRef, useState } from 'react';
import { chatApi, onMessageCreated, onRead, titleOf, type ConversationSummary, type Message } from '../../api/chat';
import { toApiError, type ApiError } from '../../api/client';
import { useRealtime, useRealtimeState, type RealtimeEvent } from '../../api/realtime';
import { ErrorMessage } from '../../components/Form';
import { useT } from '../../i18n/i18n';
import { Link, navigate, useSearch } from '../../router';
import { useUser } from '../../session';
import { MessageSearch } from './MessageSearch';
import { MessageView } from './MessageView';
import { NewConversationDialog } from './NewConversationDialog';
import { useNotifyPermission } from './chatWatch';
import { PresenceDot, StatusMenu, usePresence } from './presence';
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
        {list && list.length === 0 && (
          <p className="muted" data-testid="chat-empty">
            {t('chat.empty')}
          </p>
        )}
        <ul className="chat-list" data-testid="chat-list">
          {list?.map((c) => (
            <li key={c.id}>
              <Link
                to={`${CHAT_URL}/${c.id}`}
                className="chat-list-item"
                aria-current={c.id === selected ? 'page' : undefined}
                data-testid="chat-conversation"
                data-id={c.id}
                data-title={titleOf(c)}
              >
                {c.kind === 'direct' && c.with && <PresenceDot login={c.with} map={presence} />}
                <span className="chat-list-title">{titleOf(c)}</span>
                {c.kind === 'group' && <span className="muted chat-list-members">{t('chat.members', { n: c.memberCount })}</span>}
                {c.mentions > 0 && (
                  <span className="badge chat-badge-mention" data-testid="chat-mentions" aria-label={t('chat.mentionsLabel', { n: c.mentions })}>
                    @{c.mentions}
                  </span>
                )}
                {c.unread > 0 && (
                  <span className="badge chat-badge" data-testid="chat-unread" aria-label={t('chat.unreadLabel', { n: c.unread })}>
                    {c.unread}
                  </span>
                )}
              </Link>
            </li>
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

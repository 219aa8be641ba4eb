// The page a guest opens from a conversation's link (/chat/join/TOKEN): a name (and the
// password, when the link has one), then that one conversation, live over /ws with the guest
// cookie: older messages on scrolling up, replies, reactions, who is typing both ways. Names
// and messages are shown as text, never as HTML.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { authorName, guestAttachmentUrls, mergeMessages, QUICK_REACTIONS, reactors, type Message } from '../../api/chat';
import { toApiError, type ApiError } from '../../api/client';
import { TextField } from '../../components/Form';
import { errorText, useI18n } from '../../i18n/i18n';
import { AuthCard } from '../LoginPage';
import { AttachmentView } from '../chat/AttachmentView';
import { EmojiPicker } from '../chat/EmojiPicker';
import { isNearBottom, useHistoryScroll } from '../chat/historyScroll';
import { TypingLine, typerName, useTypers, useTypingSender, type TypingData } from '../chat/typing';
import { guestApi, reactedAsGuest, withNewest, withOlder, type GuestState, type Shown } from './guest';
import '../chat/Chat.css';
import './GuestPage.css';

const LIVE_TYPES = new Set(['chat.message.created', 'chat.message.edited', 'chat.message.deleted', 'chat.message.reactions', 'chat.message.updated']);
/** Older history loads when the top is this close (px). */
const NEAR_TOP = 80;

export function GuestPage({ token }: { token: string }) {
  const [state, setState] = useState<GuestState | null>(null);
  const [checked, setChecked] = useState(false);

  // A guest who joined before (the cookie is still running) goes straight to the conversation.
  useEffect(() => {
    guestApi.state().then(setState, () => undefined).finally(() => setChecked(true));
  }, []);

  if (!checked) return null;
  return state ? <GuestConversation state={state} onEnded={() => setState(null)} /> : <JoinForm token={token} onJoined={setState} />;
}

function JoinForm({ token, onJoined }: { token: string; onJoined: (s: GuestState) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onJoined(await guestApi.join(token, name.trim(), password));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard testId="guest-join">
      <h1>{t('guest.title')}</h1>
      <p>{t('guest.intro')}</p>
      <form onSubmit={submit}>
        <TextField label={t('guest.name')} value={name} onChange={setName} maxLength={100} required testId="guest-name" />
        <TextField label={t('guest.password')} type="password" value={password} onChange={setPassword}
          hint={t('guest.passwordHint')} testId="guest-password" />
        {error && (
          <p className="alert alert-error" role="alert" data-testid="guest-error">{errorText(t, error)}</p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !name.trim()} data-testid="guest-join-submit">
          {t('guest.join')}
        </button>
      </form>
    </AuthCard>
  );
}

function GuestConversation({ state, onEnded }: { state: GuestState; onEnded: () => void }) {
  const { t } = useI18n();
  const [shown, setShown] = useState<Shown>({ items: [], more: false });
  const [loading, setLoading] = useState(true);
  const [text, setText] = useState('');
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [ended, setEnded] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const socket = useRef<WebSocket | null>(null);
  const { prepended, stickToBottom } = useHistoryScroll(list, shown);
  const { typers, saw } = useTypers();
  const conversation = state.conversation.id;
  const me = state.guest;

  // Read by the socket's handlers, which live as long as the connection.
  const changed = useRef((m: Message) => setShown((s) => ({ ...s, items: mergeMessages(s.items, [m]) })));
  const onTyping = useRef<(d: TypingData) => void>(() => undefined);
  onTyping.current = (d) => {
    if (d.guestId !== me.id) saw(typerName(d, t('guest.mark')));
  };

  const failed = useCallback((err: unknown) => {
    const apiError = toApiError(err);
    if (apiError.status === 401) setEnded(true);
    else setError(apiError);
  }, []);

  // The newest page, read on each (re)connection: all a guest's catch-up is.
  const loadNewest = useCallback(() => {
    guestApi.messages().then((page) => {
      stickToBottom.current = true;
      setShown((s) => withNewest(s, page));
      setLoading(false);
    }, failed);
  }, [failed]);

  const loadOlder = () => {
    const oldest = shown.items[0]?.id;
    if (!oldest || loading) return;
    setLoading(true);
    guestApi.messages(oldest).then((page) => {
      prepended.current = list.current?.scrollHeight ?? null;
      setShown((s) => withOlder(s, page));
      setLoading(false);
    }, (err: unknown) => {
      setLoading(false);
      failed(err);
    });
  };

  useEffect(() => {
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      const ws = new WebSocket(`${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`);
      socket.current = ws;
      ws.onopen = () => {
        ws.send(JSON.stringify({ type: 'subscribe' }));
        loadNewest();
      };
      ws.onmessage = (e) => {
        const frame = JSON.parse(String(e.data)) as { type: string; data?: unknown };
        if (LIVE_TYPES.has(frame.type) && frame.data) {
          const m = frame.data as Message;
          stickToBottom.current = isNearBottom(list.current);
          changed.current(m);
        } else if (frame.type === 'chat.typing' && frame.data) {
          onTyping.current(frame.data as TypingData);
        }
      };
      ws.onclose = (e) => {
        socket.current = null;
        if (stopped) return;
        if (e.code === 4401) {
          setEnded(true);
          return;
        }
        retry = setTimeout(connect, 2000);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket.current?.close();
    };
  }, [loadNewest]);

  const typing = useTypingSender(() => {
    if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(JSON.stringify({ type: 'typing', conversation }));
  });


  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setError(null);
    try {
      const m = await guestApi.post(text, replyTo?.id);
      stickToBottom.current = true;
      changed.current(m);
      setText('');
      setReplyTo(null);
    } catch (err) {
      failed(err);
    }
  };

  const react = (m: Message, emoji: string) => {
    const mine = m.reactions.some((r) => r.emoji === emoji && reactedAsGuest(r, me.name));
    guestApi.react(m.id, emoji, !mine).then(changed.current, failed);
  };

  if (ended) {
    return (
      <AuthCard testId="guest-ended">
        <p>{t('guest.ended')}</p>
        <button type="button" className="btn btn-primary btn-block" onClick={onEnded}>{t('guest.joinAgain')}</button>
      </AuthCard>
    );
  }

  const byId = new Map(shown.items.map((m) => [m.id, m]));
  return (
    <main className="guest-page" data-testid="guest-conversation">
      <header className="guest-header">
        <h1>{state.conversation.name}</h1>
        <span className="guest-me">{t('guest.you', { name: me.name })}</span>
      </header>
      <ol
        className="guest-messages"
        ref={list}
        onScroll={() => {
          if (shown.more && (list.current?.scrollTop ?? 0) < NEAR_TOP) loadOlder();
        }}
        aria-busy={loading}
        data-testid="guest-messages"
      >
        {shown.more && (
          <li>
            <button type="button" className="btn btn-small btn-link" disabled={loading} onClick={loadOlder} data-testid="guest-older">
              {t('chat.older')}
            </button>
          </li>
        )}
        {!loading && shown.items.length === 0 && <li className="guest-empty">{t('guest.empty')}</li>}
        {shown.items.map((m) => (
          <GuestMessageItem
            key={m.id}
            m={m}
            me={me.name}
            quoted={m.replyTo ? (byId.get(m.replyTo) ?? null) : null}
            canWrite={!state.conversation.readOnly}
            onReply={() => setReplyTo(m)}
            onReact={(emoji) => react(m, emoji)}
          />
        ))}
      </ol>
      <TypingLine typers={typers} className="guest-typing" testId="guest-typing" />
      {error && <p className="alert alert-error" role="alert">{errorText(t, error)}</p>}
      {state.conversation.readOnly ? (
        <p className="guest-readonly">{t('guest.readOnly')}</p>
      ) : (
        <form className="guest-composer-form" onSubmit={send}>
          {replyTo && (
            <div className="chat-replying" data-testid="guest-replying">
              <span>{t('chat.replyingTo', { name: authorName(replyTo, t('guest.mark')) })}</span>
              <button type="button" className="btn btn-small btn-link" onClick={() => setReplyTo(null)} data-testid="guest-reply-cancel">
                {t('common.cancel')}
              </button>
            </div>
          )}
          <div className="guest-composer">
            <textarea
              aria-label={t('guest.placeholder')}
              placeholder={t('guest.placeholder')}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                typing();
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                  e.preventDefault();
                  void send(e);
                }
              }}
              data-testid="guest-composer"
            />
            <button type="submit" className="btn btn-primary" disabled={!text.trim()} data-testid="guest-send">
              {t('guest.send')}
            </button>
          </div>
        </form>
      )}
    </main>
  );
}

interface ItemProps {
  m: Message;
  me: string;
  quoted: Message | null;
  canWrite: boolean;
  onReply: () => void;
  onReact: (emoji: string) => void;
}

/** One message as a guest sees it: the quote it answers, its text, its reactions and the guest's actions. */
function GuestMessageItem({ m, me, quoted, canWrite, onReply, onReact }: ItemProps) {
  const { t } = useI18n();
  const offered = [...m.reactions.map((r) => r.emoji), ...QUICK_REACTIONS.filter((e) => !m.reactions.some((r) => r.emoji === e))];
  return (
    <li className="guest-message" data-testid="guest-message" data-id={m.id}>
      <span className="guest-author">{authorName(m, t('guest.mark'))}</span>
      {m.replyTo && (
        <blockquote className="chat-quote" data-testid="guest-quote">
          {quoted ? `${authorName(quoted, t('guest.mark'))}: ${quoted.deleted ? t('guest.deleted') : quoted.text.slice(0, 200) || (quoted.attachment?.name ?? '')}` : t('chat.quoteOlder')}
        </blockquote>
      )}
      <span className="guest-text">{m.deleted ? t('guest.deleted') : m.text}</span>
      {!m.deleted && m.attachment && <AttachmentView a={m.attachment} urls={guestAttachmentUrls(m.id)} />}
      {!m.deleted && (
        <div className="chat-actions">
          {offered.map((emoji) => {
            const r = m.reactions.find((x) => x.emoji === emoji);
            const who = r ? reactors(r, t('guest.mark')) : [];
            return (
              <button
                key={emoji}
                type="button"
                className={`btn btn-small chat-reaction ${r ? '' : 'chat-reaction-offer'}`}
                aria-pressed={!!r && reactedAsGuest(r, me)}
                title={who.join(', ')}
                onClick={() => onReact(emoji)}
                data-testid="guest-reaction"
                data-emoji={emoji}
                data-count={who.length}
              >
                {emoji}
                {r ? ` ${who.length}` : ''}
              </button>
            );
          })}
          <EmojiPicker label={t('chat.react')} testId="guest-react-more" onPick={onReact} />
          {canWrite && (
            <button type="button" className="btn btn-small btn-link" onClick={onReply} data-testid="guest-reply">
              {t('chat.reply')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

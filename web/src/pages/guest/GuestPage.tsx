// The page a guest opens from a conversation's link (/chat/join/TOKEN): a name (and the
// password, when the link has one), then that one conversation, live over /ws with the guest
// cookie. Names and messages are shown as text, never as HTML.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { authorName, guestAttachmentUrls } from '../../api/chat';
import { toApiError, type ApiError } from '../../api/client';
import { TextField } from '../../components/Form';
import { errorText, useI18n } from '../../i18n/i18n';
import { AuthCard } from '../LoginPage';
import { AttachmentView } from '../chat/AttachmentView';
import { guestApi, mergeMessage, type GuestMessage, type GuestState } from './guest';
import './GuestPage.css';

const LIVE_TYPES = new Set(['chat.message.created', 'chat.message.edited', 'chat.message.deleted', 'chat.message.reactions']);

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
  const [messages, setMessages] = useState<GuestMessage[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [ended, setEnded] = useState(false);
  const list = useRef<HTMLOListElement>(null);

  const load = useCallback(() => {
    guestApi.messages().then((page) => setMessages(page.items), (err) => setError(toApiError(err)));
  }, []);

  // History once, then live: after each (re)connection the history is read again, which is
  // all a guest's catch-up is.
  useEffect(() => {
    let socket: WebSocket | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      socket = new WebSocket(`${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`);
      socket.onopen = () => {
        socket?.send(JSON.stringify({ type: 'subscribe' }));
        load();
      };
      socket.onmessage = (e) => {
        const frame = JSON.parse(String(e.data)) as { type: string; data?: GuestMessage };
        if (LIVE_TYPES.has(frame.type) && frame.data) {
          const m = frame.data;
          setMessages((list) => mergeMessage(list, m));
        }
      };
      socket.onclose = (e) => {
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
      socket?.close();
    };
  }, [load]);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setError(null);
    try {
      const m = await guestApi.post(text);
      setMessages((list) => mergeMessage(list, m));
      setText('');
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.status === 401) setEnded(true);
      else setError(apiError);
    }
  };

  if (ended) {
    return (
      <AuthCard testId="guest-ended">
        <p>{t('guest.ended')}</p>
        <button type="button" className="btn btn-primary btn-block" onClick={onEnded}>{t('guest.joinAgain')}</button>
      </AuthCard>
    );
  }

  return (
    <main className="guest-page" data-testid="guest-conversation">
      <header className="guest-header">
        <h1>{state.conversation.name}</h1>
        <span className="guest-me">{t('guest.you', { name: state.guest.name })}</span>
      </header>
      <ol className="guest-messages" ref={list} data-testid="guest-messages">
        {messages.length === 0 && <li className="guest-empty">{t('guest.empty')}</li>}
        {messages.map((m) => (
          <li key={m.id} className="guest-message" data-testid="guest-message">
            <span className="guest-author">
              {authorName(m, t('guest.mark'))}
            </span>
            <span className="guest-text">{m.deleted ? t('guest.deleted') : m.text}</span>
            {!m.deleted && m.attachment && <AttachmentView a={m.attachment} urls={guestAttachmentUrls(m.id)} />}
          </li>
        ))}
      </ol>
      {error && <p className="alert alert-error" role="alert">{errorText(t, error)}</p>}
      {state.conversation.readOnly ? (
        <p className="guest-readonly">{t('guest.readOnly')}</p>
      ) : (
        <form className="guest-composer" onSubmit={send}>
          <textarea
            aria-label={t('guest.placeholder')}
            placeholder={t('guest.placeholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void send(e);
              }
            }}
            data-testid="guest-composer"
          />
          <button type="submit" className="btn btn-primary" disabled={!text.trim()} data-testid="guest-send">
            {t('guest.send')}
          </button>
        </form>
      )}
    </main>
  );
}

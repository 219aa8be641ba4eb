// One conversation: its history (older pages load when scrolling up), live messages,
// the read marker sent while it is visible, who is typing, and the composer. Texts are
// shown through a Markdown subset turned into React elements (Markdown.tsx), never HTML.
import { useCallback, useEffect, useRef, useState, type DragEvent as ReactDragEvent, type KeyboardEvent, type MutableRefObject } from 'react';
import {
  attachmentUrls,
  authorName,
  chatApi,
  compareIds,
  dayOf,
  MAX_MESSAGE_CHARS,
  mergeMessages,
  QUICK_REACTIONS,
  reactors,
  titleOf,
  type Conversation,
  type ConversationSummary,
  type Message,
  type MessageWindow,
} from '../../api/chat';
import { toApiError, useAction, type ApiError } from '../../api/client';
import type { DavEntry } from '../../api/dav';
import { useRealtimeEvents, type RealtimeClient } from '../../api/realtime';
import { ConfirmDialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { ProgressBar } from '../../components/ProgressBar';
import { useI18n, useT } from '../../i18n/i18n';
import { Link, navigate } from '../../router';
import { AttachmentView } from './AttachmentView';
import { percent, sendFiles, type Sending } from './attachments';
import { ConversationSettings } from './ConversationSettings';
import { FilePickerDialog } from './FilePickerDialog';
import { EmojiPicker } from './EmojiPicker';
import { isNearBottom, useHistoryScroll } from './historyScroll';
import { Markdown } from './Markdown';
import { PresenceDot, PresenceText, type PresenceMap } from './presence';
import { completeMention, mentionAt, mentionCandidates } from './mentions';
import { TypingLine, typerName, useTypers, useTypingSender } from './typing';

/** Older history loads when the top is this close (px). */
const NEAR_TOP = 80;

interface Props {
  id: string;
  /** A message to open the conversation at (a search hit), highlighted; else the newest. */
  focus?: string | null;
  summary: ConversationSummary | null;
  me: string;
  client: RealtimeClient;
  presence: PresenceMap;
}

export function MessageView({ id, focus, summary, me, client, presence }: Props) {
  const { t, lang } = useI18n();
  const [messages, setMessages] = useState<Message[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const { typers, saw } = useTypers();
  const scroller = useRef<HTMLDivElement>(null);
  const { prepended, stickToBottom, scrollToFocus } = useHistoryScroll(scroller, messages);
  const readSent = useRef<string | null>(null);

  const loadOlder = useCallback(
    (before?: string) => {
      setLoading(true);
      chatApi.messages(id, before).then(
        (page) => {
          if (before) prepended.current = scroller.current?.scrollHeight ?? null;
          setMessages((m) => mergeMessages(m, page.items));
          setMore(page.more);
          setError(null);
          setLoading(false);
        },
        (e: unknown) => {
          setError(toApiError(e));
          setLoading(false);
        },
      );
    },
    [id],
  );
  // Opened at a message: a window around it; while later messages remain unloaded (`newer`),
  // live ones are left for paging forward, so the list never has a hole.
  const [newer, setNewer] = useState(false);
  const newerRef = useRef(false);
  newerRef.current = newer;
  const loadWindow = useCallback(
    (call: Promise<MessageWindow>, first: boolean) => {
      setLoading(true);
      call.then(
        (w) => {
          if (first) {
            stickToBottom.current = false;
            scrollToFocus.current = true;
            setMore(!!w.more);
          }
          setMessages((m) => mergeMessages(m, w.items));
          setNewer(w.newer);
          setError(null);
          setLoading(false);
        },
        (e: unknown) => {
          setError(toApiError(e));
          setLoading(false);
        },
      );
    },
    [],
  );
  const loadNewer = () => {
    const last = messages.at(-1);
    if (last && !loading) loadWindow(chatApi.after(id, last.id), false);
  };
  useEffect(() => (focus ? loadWindow(chatApi.around(id, focus), true) : loadOlder()), [loadOlder, loadWindow, id, focus]);

  // The conversation itself: its members, for mention completion and the settings.
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const loadConversation = useCallback(() => {
    chatApi.conversation(id).then(setConversation, (e: unknown) => setError(toApiError(e)));
  }, [id]);
  useEffect(loadConversation, [loadConversation]);
  const [settings, setSettings] = useState(false);

  useRealtimeEvents(client, (e) => {
    if (e.type === 'chat.conversation.updated' && e.data?.id === id) {
      setConversation(e.data as Conversation);
    } else if (e.type.startsWith('chat.message.') && e.data?.conversation === id && !(newerRef.current && e.type === 'chat.message.created')) {
      stickToBottom.current = isNearBottom(scroller.current);
      setMessages((m) => mergeMessages(m, [e.data as Message]));
    } else if (e.type === 'chat.typing' && e.data?.conversation === id && e.data.login !== me) {
      saw(typerName(e.data, t('guest.mark')));
    } else if (e.type === 'caught-up' && (!e.complete || !e.reconnect) && !newerRef.current) {
      // Too much was missed for the catch-up, or this is the first subscription (nothing
      // before it was replayed): read the newest page again; merging drops repeats.
      loadOlder();
    }
  });

  // The read marker follows the newest message while the conversation is on screen.
  const markRead = useCallback(() => {
    const last = messages.at(-1);
    if (!last || document.visibilityState !== 'visible') return;
    const known = readSent.current ?? summary?.lastReadId ?? null;
    if (known && compareIds(last.id, known) <= 0) return;
    readSent.current = last.id;
    chatApi.read(id, last.id).catch(() => {
      readSent.current = null; // tried again with the next message or visit
    });
  }, [messages, summary?.lastReadId, id]);
  useEffect(markRead, [markRead]);
  useEffect(() => {
    document.addEventListener('visibilitychange', markRead);
    return () => document.removeEventListener('visibilitychange', markRead);
  }, [markRead]);

  const onScroll = () => {
    const el = scroller.current;
    if (el && el.scrollTop < NEAR_TOP && more && !loading && messages.length > 0) loadOlder(messages[0].id);
    else if (el && newer && isNearBottom(el)) loadNewer();
  };

  const byId = new Map(messages.map((m) => [m.id, m]));
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const dayFormat = new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const timeFormat = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
  const locked = !!summary?.readOnly && summary.role === 'member';
  // Files dropped anywhere on the conversation go to the composer, which sends them.
  const filesIn = useRef<((files: File[]) => void) | null>(null);
  const [dragging, setDragging] = useState(false);
  const carriesFiles = (e: ReactDragEvent) => !locked && Array.from(e.dataTransfer.types).includes('Files');

  return (
    <div
      className={`chat-conversation ${dragging ? 'chat-dropping' : ''}`}
      data-testid="chat-conversation-view"
      data-id={id}
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        filesIn.current?.(Array.from(e.dataTransfer.files));
      }}
    >
      {dragging && (
        <div className="chat-drop-hint" data-testid="chat-drop-hint">
          {t('chat.file.drop')}
        </div>
      )}
      <div className="chat-conversation-head">
        <Link to="/chat" className="btn btn-small chat-back" data-testid="chat-back" aria-label={t('chat.back')}>
          ←
        </Link>
        {summary?.kind === 'direct' && summary.with && <PresenceDot login={summary.with} map={presence} />}
        <h2 data-testid="chat-title">{summary ? titleOf(summary) : ''}</h2>
        {summary?.kind === 'direct' && summary.with && <PresenceText login={summary.with} map={presence} />}
        {conversation?.kind === 'group' && (
          <button type="button" className="btn btn-small chat-settings-open" onClick={() => setSettings(true)} data-testid="chat-settings-open">
            {t('chat.settings.open')}
          </button>
        )}
      </div>
      {settings && conversation && (
        <ConversationSettings
          conversation={conversation}
          me={me}
          onClose={() => setSettings(false)}
          onChanged={setConversation}
          onGone={() => navigate('/chat', { replace: true })}
        />
      )}
      <div className="chat-messages" ref={scroller} onScroll={onScroll} data-testid="chat-messages" aria-busy={loading}>
        {more && (
          <button type="button" className="btn btn-small btn-link chat-older" disabled={loading} onClick={() => loadOlder(messages[0]?.id)} data-testid="chat-older">
            {t('chat.older')}
          </button>
        )}
        <ErrorMessage error={error} testId="chat-messages-error" />
        {!loading && messages.length === 0 && <p className="muted">{t('chat.noMessages')}</p>}
        <ol className="chat-message-list">
          {messages.map((m, i) => {
            const newDay = i === 0 || dayOf(messages[i - 1].createdAt) !== dayOf(m.createdAt);
            return (
              <li key={m.id} className={`chat-message-row${m.id === focus ? ' chat-focus' : ''}`} data-focus={m.id === focus}>
                {newDay && (
                  <div className="chat-day" role="separator" data-testid="chat-day">
                    {dayFormat.format(new Date(m.createdAt))}
                  </div>
                )}
                <MessageItem
                  m={m}
                  me={me}
                  quoted={m.replyTo ? (byId.get(m.replyTo) ?? null) : null}
                  canWrite={!locked}
                  time={timeFormat.format(new Date(m.createdAt))}
                  onReply={() => setReplyTo(m)}
                  onChanged={(changed) => setMessages((all) => mergeMessages(all, [changed]))}
                />
              </li>
            );
          })}
        </ol>
        {newer && (
          <button type="button" className="btn btn-small btn-link chat-newer" disabled={loading} onClick={loadNewer} data-testid="chat-newer">
            {t('chat.newer')}
          </button>
        )}
      </div>
      <TypingLine typers={typers} className="chat-typing muted" testId="chat-typing" />
      {locked ? (
        <p className="muted" data-testid="chat-locked">
          {t('chat.locked')}
        </p>
      ) : (
        <Composer
          id={id}
          me={me}
          members={conversation?.members.map((x) => x.login) ?? []}
          client={client}
          replyTo={replyTo}
          filesIn={filesIn}
          onCancelReply={() => setReplyTo(null)}
          onSent={(m) => {
            stickToBottom.current = true;
            setReplyTo(null);
            if (newerRef.current) {
              // Writing from the middle of the history: back to the newest messages, in one piece.
              setNewer(false);
              setMessages([]);
              loadOlder();
              return;
            }
            setMessages((all) => mergeMessages(all, [m]));
          }}
        />
      )}
    </div>
  );
}

interface ItemProps {
  m: Message;
  me: string;
  quoted: Message | null;
  canWrite: boolean;
  time: string;
  onReply: () => void;
  onChanged: (m: Message) => void;
}

/** One message, with its actions: reply, react, and for its author edit and delete. */
function MessageItem({ m, me, quoted, canWrite, time, onReply, onChanged }: ItemProps) {
  const t = useT();
  const own = m.author === me;
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const act = useAction((call: Promise<Message>) => call);
  const run = async (call: Promise<Message>) => {
    const r = await act.run(call);
    if (r.ok) onChanged(r.value);
    return r.ok;
  };
  const save = async () => {
    if (editing !== null && (editing.trim() || m.attachment) && (await run(chatApi.edit(m.conversation, m.id, editing)))) setEditing(null);
  };
  const mine = (emoji: string) => m.reactions.some((r) => r.emoji === emoji && r.logins.includes(me));
  const offered = [...m.reactions.map((r) => r.emoji), ...QUICK_REACTIONS.filter((e) => !m.reactions.some((r) => r.emoji === e))];

  return (
    <article className={`chat-message ${own ? 'chat-own' : ''}`} data-testid="chat-message" data-id={m.id} data-author={m.author ?? ''} data-own={own}>
      <header className="chat-message-head">
        {!own && <strong className="chat-author">{authorName(m, t('guest.mark'))}</strong>}
        <time dateTime={m.createdAt}>{time}</time>
        {m.editedAt && !m.deleted && (
          <span className="muted" data-testid="chat-edited">
            {t('chat.edited')}
          </span>
        )}
      </header>
      {m.replyTo && (
        <blockquote className="chat-quote" data-testid="chat-quote">
          {quoted ? `${authorName(quoted, t('guest.mark'))}: ${quoted.deleted ? t('chat.deleted') : quoted.text.slice(0, 200) || (quoted.attachment?.name ?? '')}` : t('chat.quoteOlder')}
        </blockquote>
      )}
      {m.deleted ? (
        <p className="chat-text chat-deleted" data-testid="chat-deleted">
          {t('chat.deleted')}
        </p>
      ) : editing !== null ? (
        <textarea
          className="chat-edit"
          value={editing}
          aria-label={t('chat.editLabel')}
          autoFocus
          onChange={(e) => setEditing(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEditing(null);
            else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void save();
            }
          }}
          data-testid="chat-edit-input"
        />
      ) : (
        m.text && <Markdown text={m.text} me={me} />
      )}
      {!m.deleted && m.attachment && <AttachmentView a={m.attachment} urls={attachmentUrls(m.conversation, m.id)} />}
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
                aria-pressed={mine(emoji)}
                title={who.join(', ')}
                disabled={act.busy}
                onClick={() => void run(chatApi.react(m.conversation, m.id, emoji, !mine(emoji)))}
                data-testid="chat-reaction"
                data-emoji={emoji}
                data-count={who.length}
              >
                {emoji}
                {r ? ` ${who.length}` : ''}
              </button>
            );
          })}
          <EmojiPicker
            label={t('chat.react')}
            testId="chat-react-more"
            onPick={(emoji) => void run(chatApi.react(m.conversation, m.id, emoji, !mine(emoji)))}
          />
          {canWrite && (
            <button type="button" className="btn btn-small btn-link" onClick={onReply} data-testid="chat-reply">
              {t('chat.reply')}
            </button>
          )}
          {own && editing === null && (
            <button type="button" className="btn btn-small btn-link" onClick={() => setEditing(m.text)} data-testid="chat-edit">
              {t('common.edit')}
            </button>
          )}
          {own && (
            <button type="button" className="btn btn-small btn-link" onClick={() => setConfirming(true)} data-testid="chat-delete">
              {t('common.delete')}
            </button>
          )}
        </div>
      )}
      <ErrorMessage error={act.error} testId="chat-message-error" />
      {confirming && (
        <ConfirmDialog
          title={t('chat.deleteTitle')}
          message={t('chat.deleteConfirm')}
          confirmLabel={t('common.delete')}
          danger
          busy={act.busy}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            if (await run(chatApi.remove(m.conversation, m.id))) setConfirming(false);
          }}
        />
      )}
    </article>
  );
}

interface ComposerProps {
  id: string;
  me: string;
  members: string[];
  client: RealtimeClient;
  replyTo: Message | null;
  /** Set here to what sends dropped files, for the conversation's drop zone. */
  filesIn: MutableRefObject<((files: File[]) => void) | null>;
  onCancelReply: () => void;
  onSent: (m: Message) => void;
}

function Composer({ id, me, members, client, replyTo, filesIn, onCancelReply, onSent }: ComposerProps) {
  const { t, lang } = useI18n();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const typing = useTypingSender(() => client.typing(id));
  const input = useRef<HTMLTextAreaElement>(null);
  // The mention being typed and the highlighted suggestion; null when none is offered.
  const [mention, setMention] = useState<{ start: number; caret: number; options: string[]; active: number } | null>(null);
  const tooLong = text.length > MAX_MESSAGE_CHARS;
  const number = new Intl.NumberFormat(lang);
  // Files on their way (stored, then posted), with their progress; refused ones stay with the reason.
  const [sending, setSending] = useState<Sending[]>([]);
  const sendingKeys = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const [picking, setPicking] = useState(false);

  /** Sends files from the computer, the text typed going with the first. */
  const attach = async (files: File[]) => {
    if (files.length === 0 || tooLong) return;
    const words = text;
    const textSent = await sendFiles(chatApi, id, files, words, replyTo?.id ?? null, setSending, onSent, () => ++sendingKeys.current);
    if (textSent && words) setText((now) => (now === words ? '' : now));
  };
  // After each render, so a drop uses the text and reply of that moment.
  useEffect(() => {
    filesIn.current = (files) => void attach(files);
  });

  /** A file of the person's Files, attached where it is. */
  const attachFromFiles = (entry: DavEntry) => {
    setPicking(false);
    if (entry.fileId) void send(entry.fileId);
  };

  /** The text, with a file of the person's Files when `fileId` is given (the text may then be empty). */
  const send = async (fileId?: string) => {
    if (busy || tooLong || (!text.trim() && !fileId)) return;
    setBusy(true);
    try {
      const m = await chatApi.send(id, text, replyTo?.id, fileId);
      setText('');
      setError(null);
      onSent(m);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const edited = (value: string, caret: number) => {
    setText(value);
    const at = mentionAt(value, caret);
    const options = at ? mentionCandidates(members, at.query, me) : [];
    setMention(at && options.length ? { start: at.start, caret, options, active: 0 } : null);
  };
  const insert = (value: string, caret: number) => {
    edited(value, caret);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(caret, caret);
    });
  };
  const pick = (login: string) => {
    if (!mention) return;
    const done = completeMention(text, mention.start, mention.caret, login);
    insert(done.text, done.caret);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mention) {
      const n = mention.options.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setMention({ ...mention, active: (mention.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n });
        return;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.nativeEvent.isComposing) {
        e.preventDefault();
        pick(mention.options[mention.active]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setMention(null);
        return;
      }
    }
    // Enter sends, Shift+Enter is a new line; not while an input method composes a character.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <form
      className="chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {replyTo && (
        <div className="chat-replying" data-testid="chat-replying">
          <span>{t('chat.replyingTo', { name: authorName(replyTo, t('guest.mark')) })}</span>
          <button type="button" className="btn btn-small btn-link" onClick={onCancelReply} data-testid="chat-reply-cancel">
            {t('common.cancel')}
          </button>
        </div>
      )}
      {sending.length > 0 && (
        <ul className="chat-sending" aria-label={t('chat.file.sending')}>
          {sending.map((s) => (
            <li key={s.key} data-testid="chat-upload" data-name={s.name} data-status={s.status}>
              <span className="chat-sending-name">{s.name}</span>
              {s.status === 'uploading' ? (
                <ProgressBar value={s.loaded} max={s.size} label={t('chat.file.progress', { name: s.name })}
                  text={`${percent(s.loaded, s.size)} %`} testId="chat-upload-progress" />
              ) : (
                <>
                  <ErrorMessage error={s.error} testId="chat-upload-error" />
                  <button type="button" className="btn btn-small btn-link" onClick={() => setSending((l) => l.filter((x) => x.key !== s.key))} data-testid="chat-upload-dismiss">
                    {t('common.close')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="chat-composer-row">
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            void attach(files);
          }}
          data-testid="chat-file-input"
        />
        {(
          [
            ['upload', 'chat.file.attach', 'chat-attach', () => fileInput.current?.click()],
            ['folder', 'chat.file.fromFiles', 'chat-attach-files', () => setPicking(true)],
          ] as const
        ).map(([icon, label, testId, onClick]) => (
          <button key={testId} type="button" className="btn btn-small chat-attach" onClick={onClick} title={t(label)} aria-label={t(label)} data-testid={testId}>
            <Icon name={icon} size={16} />
          </button>
        ))}
        {mention && (
          <ul className="chat-suggest" role="listbox" id={`chat-suggest-${id}`} aria-label={t('chat.mentionSuggestions')} data-testid="chat-mention-suggestions">
            {mention.options.map((login, i) => (
              <li
                key={login}
                id={`chat-suggest-${id}-${i}`}
                role="option"
                aria-selected={i === mention.active}
                onMouseDown={(e) => {
                  e.preventDefault(); // keep the focus in the composer
                  pick(login);
                }}
                data-testid="chat-mention-option"
                data-login={login}
              >
                @{login}
                {login === 'all' && <span className="muted"> — {t('chat.mentionAll')}</span>}
              </li>
            ))}
          </ul>
        )}
        <textarea
          ref={input}
          value={text}
          rows={2}
          role="combobox"
          aria-expanded={!!mention}
          aria-autocomplete="list"
          aria-controls={mention ? `chat-suggest-${id}` : undefined}
          aria-activedescendant={mention ? `chat-suggest-${id}-${mention.active}` : undefined}
          aria-label={t('chat.message')}
          placeholder={t('chat.placeholder')}
          aria-invalid={tooLong || undefined}
          onChange={(e) => {
            edited(e.target.value, e.target.selectionStart);
            typing();
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setMention(null)}
          data-testid="chat-input"
        />
        <EmojiPicker
          label={t('chat.emojiInsert')}
          testId="chat-emoji"
          onPick={(emoji) => {
            const el = input.current;
            const start = el?.selectionStart ?? text.length;
            const end = el?.selectionEnd ?? text.length;
            insert(text.slice(0, start) + emoji + text.slice(end), start + emoji.length);
          }}
        />
        <button type="submit" className="btn btn-primary" disabled={busy || tooLong || !text.trim()} data-testid="chat-send">
          {t('chat.send')}
        </button>
      </div>
      <p className={`chat-count ${tooLong ? 'chat-count-over' : ''}`} data-testid="chat-count">
        {t('chat.count', { n: number.format(text.length), max: number.format(MAX_MESSAGE_CHARS) })}
      </p>
      <ErrorMessage error={error} testId="chat-send-error" />
      {picking && <FilePickerDialog login={me} onClose={() => setPicking(false)} onPick={attachFromFiles} />}
    </form>
  );
}

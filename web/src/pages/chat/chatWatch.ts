// What the Chat app says outside its own page: the unread total on its navigation entry,
// and a browser notification for a message that mentions the reader or comes in a
// one-to-one while the tab is hidden (the Notification permission is asked on a click,
// see NotifyButton). Runs from the shell, over the tab's one WebSocket.
import { useCallback, useEffect, useRef, useState } from 'react';
import { authorName, chatApi, mentions, type ConversationSummary, type Message } from '../../api/chat';
import { useRealtime } from '../../api/realtime';
import { useT } from '../../i18n/i18n';
import { navigate } from '../../router';

/** A list read again this long after the last chat event, so a burst costs one request. */
const RELOAD_AFTER_MS = 400;

/** Whether a new message deserves a browser notification for `me` (the tab being hidden is checked apart). */
export function notifies(m: Message, me: string, kind: ConversationSummary['kind'] | undefined): boolean {
  if (m.author === me || m.deleted) return false;
  return kind === 'direct' || mentions(m.text, me);
}

export function unreadTotal(list: readonly ConversationSummary[]): number {
  return list.reduce((n, c) => n + c.unread, 0);
}

export function useChatWatch(me: string): number {
  const t = useT();
  const [total, setTotal] = useState(0);
  const kinds = useRef(new Map<string, ConversationSummary>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const load = useCallback(() => {
    chatApi.conversations().then(
      (r) => {
        kinds.current = new Map(r.items.map((c) => [c.id, c]));
        setTotal(unreadTotal(r.items));
      },
      () => undefined, // the badge keeps its last value; the next event tries again
    );
  }, []);
  const later = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(load, RELOAD_AFTER_MS);
  }, [load]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  useRealtime((e) => {
    if (e.type === 'caught-up') later();
    else if (e.type === 'chat.message.created') {
      later();
      const m = e.data as Message;
      const c = kinds.current.get(m.conversation);
      if (document.visibilityState === 'hidden' && notifies(m, me, c?.kind) && notificationsAllowed()) {
        const title = c?.kind === 'group' ? t('chat.notify.group', { name: authorName(m, t('guest.mark')), conversation: c.name }) : authorName(m, t('guest.mark'));
        show(title, m);
      }
    } else if (e.type === 'chat.read' || e.type.startsWith('chat.conversation.') || e.type === 'chat.member.removed') later();
  });
  return total;
}

function show(title: string, m: Message): void {
  let n: Notification;
  try {
    // A file alone is announced by its name.
    n = new Notification(title, { body: m.text.slice(0, 200) || (m.attachment?.name ?? ''), tag: `chat-${m.id}` });
  } catch {
    return; // Chrome on Android only notifies through a service worker: the badge still tells
  }
  n.onclick = () => {
    window.focus();
    navigate(`/chat/${m.conversation}`);
    n.close();
  };
}

function notificationsAllowed(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

/** Asks for the browser's permission to notify; browsers only allow it on a user gesture. */
export function useNotifyPermission(): { askable: boolean; ask: () => void } {
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'denied' : Notification.permission));
  return {
    askable: permission === 'default',
    ask: () => void Notification.requestPermission().then(setPermission),
  };
}

// "X is typing", for members (MessageView) and guests (the guest page) alike: who typed
// lately, each for a few seconds after their last `chat.typing` event, and how often to send one.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/i18n';

/** How long "X is typing" stays without a new typing event (docs/api/realtime.md). */
export const TYPING_SHOWN_MS = 5000;
/** A typing frame at most this often; the server would drop more anyway. */
export const TYPING_SENT_MS = 2000;

/** A `chat.typing` event's data: a member (`login`) or a guest (`guest`, `guestId`). */
export interface TypingData {
  conversation: string;
  login: string | null;
  guest?: string;
  guestId?: string;
}

/** The name to show for who is typing: the login, or the guest's name with the guest mark. */
export function typerName(d: TypingData, guestMark: string): string {
  return d.login ?? `${d.guest ?? ''} (${guestMark})`;
}

/** The people typing now, and `saw(name)` to call on each typing event of someone else. */
export function useTypers(): { typers: string[]; saw: (name: string) => void } {
  const [typing, setTyping] = useState<Record<string, number>>({});
  const saw = useCallback((name: string) => setTyping((all) => ({ ...all, [name]: Date.now() })), []);
  // Typing marks expire.
  useEffect(() => {
    if (Object.keys(typing).length === 0) return;
    const timer = setTimeout(() => {
      const now = Date.now();
      setTyping((all) => Object.fromEntries(Object.entries(all).filter(([, at]) => now - at < TYPING_SHOWN_MS)));
    }, 1000);
    return () => clearTimeout(timer);
  }, [typing]);
  return { typers: Object.keys(typing), saw };
}

/** Calls `send` at most once per TYPING_SENT_MS, however often the returned function is called. */
export function useTypingSender(send: () => void): () => void {
  const last = useRef(0);
  const sendRef = useRef(send);
  sendRef.current = send;
  return useCallback(() => {
    const now = Date.now();
    if (now - last.current > TYPING_SENT_MS) {
      last.current = now;
      sendRef.current();
    }
  }, []);
}

export function TypingLine({ typers, className, testId }: { typers: string[]; className: string; testId: string }) {
  const t = useT();
  return (
    <p className={className} aria-live="polite" data-testid={testId}>
      {typers.length === 1 ? t('chat.typingOne', { name: typers[0] }) : typers.length > 1 ? t('chat.typingMany', { names: typers.join(', ') }) : ''}
    </p>
  );
}

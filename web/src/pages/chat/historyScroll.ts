// The scrolling of a message history, for members (MessageView) and guests (the guest page):
// older messages put on top leave the view where it was; new ones at the bottom are followed
// when the reader was at the bottom.
import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * `prepended`: set it to the scroll height just before older messages go on top.
 * `stickToBottom`: whether the next change scrolls to the bottom (see isNearBottom).
 */
export function useHistoryScroll(scroller: RefObject<HTMLElement | null>, messages: unknown) {
  const prepended = useRef<number | null>(null);
  const stickToBottom = useRef(true);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (prepended.current !== null) {
      el.scrollTop += el.scrollHeight - prepended.current;
      prepended.current = null;
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [scroller, messages]);
  return { prepended, stickToBottom };
}

export function isNearBottom(el: HTMLElement | null): boolean {
  return !el || el.scrollHeight - el.scrollTop - el.clientHeight < 120;
}

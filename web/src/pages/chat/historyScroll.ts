// The scrolling of a message history, for members (MessageView) and guests (the guest page):
// older messages put on top leave the view where it was; new ones at the bottom are followed
// when the reader was at the bottom.
import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * `prepended`: set it to the scroll height just before older messages go on top.
 * `stickToBottom`: whether the next change scrolls to the bottom (see isNearBottom).
 * `scrollToFocus`: set it to bring the element marked `data-focus="true"` to the middle on the
 * next change (a conversation opened at a search hit).
 */
export function useHistoryScroll(scroller: RefObject<HTMLElement | null>, messages: unknown) {
  const prepended = useRef<number | null>(null);
  const stickToBottom = useRef(true);
  const scrollToFocus = useRef(false);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (scrollToFocus.current) {
      scrollToFocus.current = false;
      el.querySelector('[data-focus="true"]')?.scrollIntoView({ block: 'center' });
    } else if (prepended.current !== null) {
      el.scrollTop += el.scrollHeight - prepended.current;
      prepended.current = null;
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [scroller, messages]);
  return { prepended, stickToBottom, scrollToFocus };
}

export function isNearBottom(el: HTMLElement | null): boolean {
  return !el || el.scrollHeight - el.scrollTop - el.clientHeight < 120;
}

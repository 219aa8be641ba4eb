// The guest page's data: a person without an account who joined a public conversation by its
// link (docs/api/chat.md "Guests"). The guest cookie, not a session, authorises these calls.
// Messages have the members' shape (api/chat.ts), so they merge and order the same way.
import { compareIds, mergeMessages, PAGE_SIZE, type Message, type MessagePage } from '../../api/chat';
import { api, encode, withQuery } from '../../api/client';

export interface GuestState {
  guest: { id: string; name: string };
  conversation: { id: string; name: string; readOnly: boolean };
}

/** "/chat/join/TOKEN" → TOKEN; null for any other path. */
export function guestJoinToken(path: string): string | null {
  return /^\/chat\/join\/([A-Za-z0-9_-]+)\/?$/.exec(path)?.[1] ?? null;
}

export const guestApi = {
  state: () => api.get<GuestState>('/chat/guest'),
  join: (token: string, name: string, password: string) =>
    api.post<GuestState>(`/chat/join/${encodeURIComponent(token)}`, password ? { name, password } : { name }),
  messages: (before?: string) => api.get<MessagePage>(withQuery('/chat/guest/messages', { before, limit: PAGE_SIZE })),
  post: (text: string, replyTo?: string | null) => api.post<Message>('/chat/guest/messages', replyTo ? { text, replyTo } : { text }),
  react: (mid: string, emoji: string, add: boolean) =>
    (add ? api.put<Message> : api.del<Message>)(`/chat/guest/messages/${encode(mid)}/reactions/${encode(emoji)}`),
};

/** What the page shows: the messages loaded, oldest first, and whether older ones remain. */
export interface Shown {
  items: Message[];
  more: boolean;
}

/**
 * The page after reading the newest page again (on each connection). When it reaches back to
 * what is shown, the two merge; when it does not (more was written while the guest was away
 * than a page holds), it replaces what is shown, so no gap is ever shown; older pages follow
 * on scrolling up.
 */
export function withNewest(shown: Shown, page: MessagePage): Shown {
  const newestShown = shown.items.at(-1)?.id;
  const oldestOfPage = page.items[0]?.id;
  const joins = !newestShown || !page.more || (oldestOfPage !== undefined && compareIds(oldestOfPage, newestShown) <= 0);
  if (!joins) return { items: page.items, more: page.more };
  return { items: mergeMessages(shown.items, page.items), more: shown.items.length ? shown.more : page.more };
}

/** The page after an older page came in (`before` = the oldest shown). */
export function withOlder(shown: Shown, page: MessagePage): Shown {
  return { items: mergeMessages(shown.items, page.items), more: page.more };
}

/** Whether a guest named `name` made this reaction (guests are told apart by name only). */
export function reactedAsGuest(r: { guests?: string[] }, name: string): boolean {
  return r.guests?.includes(name) ?? false;
}

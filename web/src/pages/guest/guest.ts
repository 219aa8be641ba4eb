// The guest page's data: a person without an account who joined a public conversation by its
// link (docs/api/chat.md "Guests"). The guest cookie, not a session, authorises these calls.
import type { Attachment } from '../../api/chat';
import { api } from '../../api/client';

export interface GuestMessage {
  id: string;
  conversation: string;
  author: string | null;
  guest?: string;
  text: string;
  createdAt: string;
  deleted: boolean;
  /** A file in the message, which the guest downloads with its cookie. */
  attachment?: Attachment | null;
}

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
  messages: () => api.get<{ items: GuestMessage[]; more: boolean }>('/chat/guest/messages?limit=100'),
  post: (text: string) => api.post<GuestMessage>('/chat/guest/messages', { text }),
};

/** Adds or replaces a message by id, keeping id order (ids are 64-bit: compared as big integers). */
export function mergeMessage(list: GuestMessage[], m: GuestMessage): GuestMessage[] {
  const others = list.filter((x) => x.id !== m.id);
  others.push(m);
  return others.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
}

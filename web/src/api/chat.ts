// The chat REST API (docs/api/chat.md), and the pure rules the Chat page keeps its
// state with: merging messages that arrive twice (history, live events, catch-up),
// ordering them by id, and counting unread messages as events come in.
import { api, encode, upload, withQuery } from './client';

/** The server refuses longer messages (413); `chat.max-message-chars` by default. */
export const MAX_MESSAGE_CHARS = 32_000;
export const PAGE_SIZE = 50;
/** The reactions offered under each message (any emoji works through the API). */
export const QUICK_REACTIONS = ['👍', '❤️', '😄'];

export type Role = 'owner' | 'moderator' | 'member';

export interface Member {
  login: string;
  role: Role;
  lastReadId: string | null;
}

export interface Conversation {
  id: string;
  kind: 'direct' | 'group';
  name: string;
  readOnly: boolean;
  createdAt: string;
  lastMessageId: string | null;
  members: Member[];
  /** Whether it has a guest link. */
  public: boolean;
  /** The guests whose session is running. */
  guests: GuestRef[];
}

/** One row of `GET /conversations`: the conversation with the caller's counts. */
export interface ConversationSummary {
  id: string;
  kind: 'direct' | 'group';
  name: string;
  /** The other person of a one-to-one. */
  with?: string;
  memberCount: number;
  /** The members' logins (to filter the list by who is in a conversation). */
  members: string[];
  readOnly: boolean;
  createdAt: string;
  lastMessageId: string | null;
  role: Role;
  lastReadId: string | null;
  unread: number;
  /** 0 while `muted` (the server reports none). */
  mentions: number;
  muted: boolean;
  favourite: boolean;
  /** Hidden from the main list until the next message in the conversation. */
  archived: boolean;
}

/** The caller's own settings of a conversation (`PATCH …/me`, `chat.conversation.personal`). */
export interface Personal {
  conversation: string;
  muted: boolean;
  favourite: boolean;
  archived: boolean;
}

/** A conversation's guest link (`GET`/`PUT …/link`). */
export interface GuestLink {
  conversation: string;
  token: string;
  /** "/chat/join/TOKEN", on this server. */
  path: string;
  password: boolean;
}

export interface GuestRef {
  id: string;
  name: string;
}

export interface Reaction {
  emoji: string;
  logins: string[];
  /** Guests who reacted; only there when one did. */
  guests?: string[];
}

/** A file of the sender's Files carried by a message (docs/api/chat.md "Attachments"). */
export interface Attachment {
  fileId: string;
  name: string;
  size: number;
  contentType: string;
  /** The server makes a thumbnail of it (images, PDF). */
  preview: boolean;
}

/** What `POST …/files` answers: the stored file, to be posted next. */
export interface StoredFile extends Attachment {
  /** Where it is in the sender's Files: "/Talk/name". */
  path: string;
}

export interface Message {
  id: string;
  conversation: string;
  /** The author's login; null for a guest's message, which has `guest` instead. */
  author: string | null;
  guest?: string;
  text: string;
  replyTo: string | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  reactions: Reaction[];
  /** Null without a file, and once the message is deleted. */
  attachment: Attachment | null;
}

/** Who wrote a message, as shown: the login, or a guest's name with the "guest" mark. */
export function authorName(m: { author: string | null; guest?: string }, guestMark: string): string {
  return m.author ?? `${m.guest ?? ''} (${guestMark})`;
}

/** Everyone who made a reaction, as shown: logins, then guests' names with the guest mark. */
export function reactors(r: Reaction, guestMark: string): string[] {
  return [...r.logins, ...(r.guests ?? []).map((g) => `${g} (${guestMark})`)];
}

export interface MessagePage {
  items: Message[];
  more: boolean;
}

/** `GET /messages?around=` or `?after=`: a window in the middle of the history; `newer` when later messages remain. */
export interface MessageWindow {
  items: Message[];
  more?: boolean;
  newer: boolean;
}

/** One result of `GET /chat/search`: where, the message, and the part to show (`start`–`end` is the word found). */
export interface SearchHit {
  conversation: { id: string; kind: 'direct' | 'group'; name: string; with: string | null };
  message: Message;
  snippet: { text: string; start: number; end: number };
}

export interface SearchPage {
  items: SearchHit[];
  more: boolean;
}

export const SEARCH_PAGE_SIZE = 20;

export type NewConversation = { kind: 'direct'; with: string } | { kind: 'group'; name: string; members: string[] };

const conv = (id: string) => `/chat/conversations/${encode(id)}`;

export const chatApi = {
  conversations: () => api.get<{ items: ConversationSummary[] }>('/chat/conversations'),
  create: (body: NewConversation) => api.post<Conversation>('/chat/conversations', body),
  conversation: (id: string) => api.get<Conversation>(conv(id)),
  update: (id: string, change: { name?: string; readOnly?: boolean }) => api.patch<Conversation>(conv(id), change),
  deleteConversation: (id: string) => api.del<void>(conv(id)),
  addMember: (id: string, login: string) => api.post<Conversation>(`${conv(id)}/members`, { login }),
  setRole: (id: string, login: string, role: Role) => api.patch<Conversation>(`${conv(id)}/members/${encode(login)}`, { role }),
  /** Removes someone, or leaves when `login` is the caller. */
  removeMember: (id: string, login: string) => api.del<void>(`${conv(id)}/members/${encode(login)}`),
  messages: (id: string, before?: string) =>
    api.get<MessagePage>(withQuery(`${conv(id)}/messages`, { before, limit: PAGE_SIZE })),
  /** The message `mid` with some before and after: opening a conversation at a search hit. */
  around: (id: string, mid: string) => api.get<MessageWindow>(withQuery(`${conv(id)}/messages`, { around: mid, limit: PAGE_SIZE })),
  after: (id: string, after: string) => api.get<MessageWindow>(withQuery(`${conv(id)}/messages`, { after, limit: PAGE_SIZE })),
  search: (q: string, before?: string) => api.get<SearchPage>(withQuery('/chat/search', { q, before, limit: SEARCH_PAGE_SIZE })),
  send: (id: string, text: string, replyTo?: string | null, file?: string) =>
    api.post<Message>(`${conv(id)}/messages`, {
      ...(text || !file ? { text } : {}),
      ...(replyTo ? { replyTo } : {}),
      ...(file ? { file } : {}),
    }),
  /** Stores a file from the computer in the caller's Talk folder, with upload progress; post it next with `send`. */
  upload: (id: string, file: Blob, name: string, onProgress?: (loaded: number, total: number) => void) =>
    upload<StoredFile>(withQuery(`${conv(id)}/files`, { name }), file, 'application/octet-stream', onProgress),
  edit: (id: string, mid: string, text: string) => api.patch<Message>(`${conv(id)}/messages/${encode(mid)}`, { text }),
  remove: (id: string, mid: string) => api.del<Message>(`${conv(id)}/messages/${encode(mid)}`),
  react: (id: string, mid: string, emoji: string, add: boolean) =>
    (add ? api.put<Message> : api.del<Message>)(`${conv(id)}/messages/${encode(mid)}/reactions/${encode(emoji)}`),
  read: (id: string, messageId: string) => api.post<void>(`${conv(id)}/read`, { messageId }),
  setPersonal: (id: string, change: Partial<Omit<Personal, 'conversation'>>) => api.patch<Personal>(`${conv(id)}/me`, change),
  link: (id: string) => api.get<GuestLink>(`${conv(id)}/link`),
  /** A new link (the old one and its guests go), with a password or none. */
  makeLink: (id: string, password: string) => api.put<GuestLink>(`${conv(id)}/link`, password ? { password } : {}),
  revokeLink: (id: string) => api.del<void>(`${conv(id)}/link`),
  removeGuest: (id: string, guest: string) => api.del<void>(`${conv(id)}/guests/${encode(guest)}`),
};

/** Where a member downloads a message's file, and its thumbnail of about `size` pixels. */
export function attachmentUrls(conversation: string, message: string): { file: string; preview: (size: number) => string } {
  const base = `/api/v1${conv(conversation)}/messages/${encode(message)}`;
  return { file: `${base}/file`, preview: (size) => `${base}/preview?x=${size}&y=${size}` };
}

/** Where a guest downloads them: the guest cookie says which conversation. */
export function guestAttachmentUrls(message: string): { file: string; preview: (size: number) => string } {
  const base = `/api/v1/chat/guest/messages/${encode(message)}`;
  return { file: `${base}/file`, preview: (size) => `${base}/preview?x=${size}&y=${size}` };
}

/** Shown inline as a picture (an image with a thumbnail); any other file is a card. */
export function showsAsImage(a: Attachment): boolean {
  return a.preview && a.contentType.startsWith('image/');
}

/** Orders two 64-bit ids held as decimal strings (no leading zeros), without losing precision. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The larger of two ids, either possibly absent. */
export function maxId(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return compareIds(a, b) >= 0 ? a : b;
}

/**
 * `existing` and `incoming` as one list, oldest first, each id once. A message in
 * `incoming` replaces the one with its id (it is the newer state: an edit, a deletion,
 * reactions), so a message brought by both history and a live event shows once.
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of existing) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
}

/** Whether `text` mentions `login` the way the server counts it: `@login` or `@all`, not an e-mail address. */
export function mentions(text: string, login: string): boolean {
  const re = /(^|[^\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]+)/gu;
  for (const m of text.matchAll(re)) {
    const name = m[2].replace(/[.-]+$/, '').toLowerCase();
    if (name === 'all' || name === login.toLowerCase()) return true;
  }
  return false;
}

/** The title of a conversation: its name, or the other person of a one-to-one. */
export function titleOf(c: { kind: 'direct' | 'group'; name: string; with?: string | null }): string {
  return c.kind === 'direct' ? (c.with ?? '') : c.name;
}

/** A snippet cut into the text before the word found, the word, and the text after. */
export function snippetParts(s: SearchHit['snippet']): [string, string, string] {
  const start = Math.max(0, Math.min(s.start, s.text.length));
  const end = Math.max(start, Math.min(s.end, s.text.length));
  return [s.text.slice(0, start), s.text.slice(start, end), s.text.slice(end)];
}

/**
 * The caller's list after a new message: the conversation moves to the top with its
 * last message id; a message of someone else counts as unread (and as a mention when
 * it names the caller) unless the caller is reading that conversation right now.
 * Returns null when the conversation is not in the list (the caller must reload it).
 */
export function onMessageCreated(
  list: readonly ConversationSummary[],
  m: Message,
  me: string,
  reading: string | null,
): ConversationSummary[] | null {
  const found = list.find((c) => c.id === m.conversation);
  if (!found) return null;
  // Already counted (the same message through catch-up and live).
  if (found.lastMessageId && compareIds(m.id, found.lastMessageId) <= 0) return [...list];
  const counts = m.author !== me && reading !== m.conversation && !m.deleted;
  const updated: ConversationSummary = {
    ...found,
    lastMessageId: m.id,
    unread: found.unread + (counts ? 1 : 0),
    mentions: found.mentions + (counts && !found.muted && mentions(m.text, me) ? 1 : 0),
    lastReadId: m.author === me ? m.id : found.lastReadId,
    // A new message brings an archived conversation back (the server clears the flag too).
    archived: false,
  };
  return favouritesFirst([updated, ...list.filter((c) => c.id !== m.conversation)]);
}

/** The list in the server's order: favourites first, each part keeping its (most recent first) order. */
export function favouritesFirst(list: readonly ConversationSummary[]): ConversationSummary[] {
  return [...list.filter((c) => c.favourite), ...list.filter((c) => !c.favourite)];
}

/**
 * The caller's list after their own settings changed (in this tab or another). Mentions
 * stay hidden while muted; unmuting needs the server's count, so null asks for a reload.
 */
export function onPersonal(list: readonly ConversationSummary[], p: Personal): ConversationSummary[] | null {
  const found = list.find((c) => c.id === p.conversation);
  if (!found || (found.muted && !p.muted)) return null;
  const updated = { ...found, muted: p.muted, favourite: p.favourite, archived: p.archived, mentions: p.muted ? 0 : found.mentions };
  if (updated.favourite === found.favourite) return list.map((c) => (c.id === p.conversation ? updated : c));
  // Moving in or out of the favourites: the server's order is by last activity within each part.
  return null;
}

/**
 * The caller's list after a `chat.read` event. The caller's own marker reaching the
 * last message clears the counts; short of it the counts are unknown here, so null
 * asks for a reload. Others' markers change nothing in the list.
 */
export function onRead(
  list: readonly ConversationSummary[],
  read: { conversation: string; login: string; messageId: string },
  me: string,
): ConversationSummary[] | null {
  if (read.login !== me) return [...list];
  const found = list.find((c) => c.id === read.conversation);
  if (!found) return null;
  if (found.lastMessageId && compareIds(read.messageId, found.lastMessageId) < 0) return null;
  return list.map((c) => (c.id === read.conversation ? { ...c, unread: 0, mentions: 0, lastReadId: read.messageId } : c));
}

/** The calendar day of an instant in the viewer's time zone, to put separators between days. */
export function dayOf(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/**
 * What the caller with `role` may do in a group, as the server decides it (docs/api/chat.md):
 * owners and moderators rename, lock and add; only owners change roles and delete; anyone
 * leaves; removing someone else takes a moderator, and an owner to remove an owner.
 */
export const may = {
  manage: (role: Role) => role === 'owner' || role === 'moderator',
  changeRoles: (role: Role) => role === 'owner',
  deleteConversation: (role: Role) => role === 'owner',
  remove: (role: Role, target: Role) => (target === 'owner' ? role === 'owner' : role === 'owner' || role === 'moderator'),
};

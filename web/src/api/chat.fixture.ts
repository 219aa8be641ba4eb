// A row of GET /api/v1/chat/conversations, for the tests of the chat list.
import type { ConversationSummary } from './chat';

export const summary = (id: string, over: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id,
  kind: 'direct',
  name: '',
  with: 'bob',
  memberCount: 2,
  members: ['ana', 'bob'],
  readOnly: false,
  createdAt: '2026-11-30T09:00:00Z',
  lastMessageId: '100',
  role: 'member',
  lastReadId: '100',
  unread: 0,
  mentions: 0,
  muted: false,
  favourite: false,
  archived: false,
  ...over,
});

import { describe, expect, it } from 'vitest';
import type { ConversationSummary, Message } from '../../api/chat';
import { notifies, unreadTotal } from './chatWatch';

const msg = (author: string, text: string, deleted = false): Message => ({
  id: '9',
  conversation: '1',
  author,
  text,
  replyTo: null,
  createdAt: '2026-11-30T02:00:00Z',
  editedAt: null,
  deleted,
  reactions: [],
  attachment: null,
});

describe('chat outside its page', () => {
  it('notifies for one-to-one messages and mentions from others only', () => {
    expect(notifies(msg('bob', 'hello'), 'alice', 'direct')).toBe(true);
    expect(notifies(msg('bob', 'hello'), 'alice', 'group')).toBe(false);
    expect(notifies(msg('bob', 'hello @alice'), 'alice', 'group')).toBe(true);
    expect(notifies(msg('bob', 'hello @all'), 'alice', undefined)).toBe(true);
    expect(notifies(msg('bob', 'mail alice@example.org'), 'alice', 'group')).toBe(false);
    expect(notifies(msg('alice', 'me @alice'), 'alice', 'direct')).toBe(false);
    expect(notifies(msg('bob', '', true), 'alice', 'direct')).toBe(false);
  });

  it('sums the unread counts of all conversations', () => {
    const row = (unread: number) => ({ unread }) as ConversationSummary;
    expect(unreadTotal([row(2), row(0), row(5)])).toBe(7);
    expect(unreadTotal([])).toBe(0);
  });
});

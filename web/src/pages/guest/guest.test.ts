import { describe, expect, it } from 'vitest';
import type { Message } from '../../api/chat';
import { guestJoinToken, reactedAsGuest, withNewest, withOlder } from './guest';

const m = (id: string, text = `text ${id}`): Message => ({
  id,
  conversation: '1',
  author: 'ana',
  text,
  replyTo: null,
  createdAt: '2026-11-30T09:00:00Z',
  editedAt: null,
  deleted: false,
  reactions: [],
  attachment: null,
});
const ids = (s: { items: Message[] }) => s.items.map((x) => x.id);

describe('guest page', () => {
  it('finds the token of a join path only', () => {
    expect(guestJoinToken('/chat/join/q3-_Ab')).toBe('q3-_Ab');
    expect(guestJoinToken('/chat/join/q3/')).toBe('q3');
    expect(guestJoinToken('/chat')).toBeNull();
    expect(guestJoinToken('/chat/join/a/b')).toBeNull();
  });

  it('starts from the newest page, then puts older pages on top in id order beyond 2^53', () => {
    let shown = withNewest({ items: [], more: false }, { items: [m('9007199254740993'), m('9007199254740995')], more: true });
    expect(shown.more).toBe(true);
    shown = withOlder(shown, { items: [m('9007199254740992')], more: false });
    expect(ids(shown)).toEqual(['9007199254740992', '9007199254740993', '9007199254740995']);
    expect(shown.more).toBe(false);
  });

  it('merges the newest page read on reconnection when it reaches what is shown, keeping older pages', () => {
    const shown = { items: [m('1'), m('2'), m('3')], more: false };
    const next = withNewest(shown, { items: [m('3', 'edited'), m('4')], more: true });
    expect(ids(next)).toEqual(['1', '2', '3', '4']);
    expect(next.items[2].text).toBe('edited');
    expect(next.more).toBe(false);
  });

  it('replaces what is shown when more came meanwhile than a page holds, so no gap shows', () => {
    const shown = { items: [m('1'), m('2')], more: false };
    const next = withNewest(shown, { items: [m('10'), m('11')], more: true });
    expect(ids(next)).toEqual(['10', '11']);
    expect(next.more).toBe(true);
  });

  it('knows the guest’s own reactions by name', () => {
    expect(reactedAsGuest({ guests: ['M. Dupont'] }, 'M. Dupont')).toBe(true);
    expect(reactedAsGuest({}, 'M. Dupont')).toBe(false);
  });
});

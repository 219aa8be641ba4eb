import { describe, expect, it } from 'vitest';
import { guestJoinToken, mergeMessage, type GuestMessage } from './guest';

const m = (id: string, text: string): GuestMessage => ({
  id, conversation: '1', author: 'ana', text, createdAt: '2026-11-30T09:00:00Z', deleted: false,
});

describe('guest page', () => {
  it('finds the token of a join path only', () => {
    expect(guestJoinToken('/chat/join/q3-_Ab')).toBe('q3-_Ab');
    expect(guestJoinToken('/chat/join/q3/')).toBe('q3');
    expect(guestJoinToken('/chat')).toBeNull();
    expect(guestJoinToken('/chat/join/a/b')).toBeNull();
  });

  it('merges messages by id, in id order beyond 2^53, without duplicates', () => {
    let list = [m('9007199254740993', 'b')];
    list = mergeMessage(list, m('9007199254740992', 'a'));
    list = mergeMessage(list, m('9007199254740993', 'b, edited'));
    expect(list.map((x) => x.text)).toEqual(['a', 'b, edited']);
  });
});

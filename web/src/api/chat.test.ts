import { describe, expect, it } from 'vitest';
import { authorName, compareIds, favouritesFirst, may, mentions, mergeMessages, onMessageCreated, onPersonal, onRead, reactors, snippetParts, titleOf, type Message } from './chat';
import { summary } from './chat.fixture';

const msg = (id: string, over: Partial<Message> = {}): Message => ({
  id,
  conversation: '10',
  author: 'bob',
  text: `text ${id}`,
  replyTo: null,
  createdAt: '2026-11-30T09:00:00Z',
  editedAt: null,
  deleted: false,
  reactions: [],
  attachment: null,
  ...over,
});


describe('compareIds', () => {
  it('orders 64-bit ids beyond the precision of a double', () => {
    // As numbers these two are equal (2^53 + 1 rounds to 2^53).
    expect(compareIds('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareIds('99', '100')).toBeLessThan(0);
    expect(compareIds('7391052234188800', '7391052234188800')).toBe(0);
  });
});

describe('mergeMessages', () => {
  it('keeps each id once, oldest first, the incoming state winning', () => {
    const history = [msg('7391052234188800'), msg('7391052234188900')];
    const caughtUp = [
      msg('7391052234188900', { text: 'edited', editedAt: '2026-11-30T09:05:00Z' }),
      msg('7391052234189000'),
      msg('7391052234188700'),
    ];
    const merged = mergeMessages(history, caughtUp);
    expect(merged.map((m) => m.id)).toEqual(['7391052234188700', '7391052234188800', '7391052234188900', '7391052234189000']);
    expect(merged[2].text).toBe('edited');
  });

  it('is unchanged by merging the same messages again', () => {
    const once = mergeMessages([], [msg('2'), msg('1')]);
    expect(mergeMessages(once, once)).toEqual(once);
  });
});

describe('mentions', () => {
  it('finds @login and @all but not an e-mail address', () => {
    expect(mentions('Bilan envoyé @ana', 'ana')).toBe(true);
    expect(mentions('@ALL on y va', 'ana')).toBe(true);
    expect(mentions('écris à ana@bob.fr', 'bob')).toBe(false);
    expect(mentions('@anabelle', 'ana')).toBe(false);
    expect(mentions('merci @ana.', 'ana')).toBe(true);
  });
});

describe('unread counting', () => {
  it('counts others\' messages, not one\'s own nor the conversation being read, and moves it to the top', () => {
    const list = [summary('1'), summary('10')];
    const after = onMessageCreated(list, msg('101', { text: 'hi @ana' }), 'ana', null)!;
    expect(after.map((c) => c.id)).toEqual(['10', '1']);
    expect(after[0]).toMatchObject({ unread: 1, mentions: 1, lastMessageId: '101' });
    const own = onMessageCreated(after, msg('102', { author: 'ana' }), 'ana', null)!;
    expect(own[0]).toMatchObject({ unread: 1, lastMessageId: '102', lastReadId: '102' });
    const reading = onMessageCreated(own, msg('103'), 'ana', '10')!;
    expect(reading[0].unread).toBe(1);
  });

  it('does not count a message twice (catch-up and live)', () => {
    const once = onMessageCreated([summary('10')], msg('101'), 'ana', null)!;
    const twice = onMessageCreated(once, msg('101'), 'ana', null)!;
    expect(twice[0].unread).toBe(1);
  });

  it('asks for a reload when the conversation is new to the list', () => {
    expect(onMessageCreated([summary('1')], msg('101'), 'ana', null)).toBeNull();
  });

  it('clears the counts when one\'s own marker reaches the last message', () => {
    const list = [summary('10', { unread: 3, mentions: 1, lastMessageId: '105' })];
    expect(onRead(list, { conversation: '10', login: 'ana', messageId: '105' }, 'ana')![0]).toMatchObject({ unread: 0, mentions: 0 });
    expect(onRead(list, { conversation: '10', login: 'bob', messageId: '105' }, 'ana')![0].unread).toBe(3);
    // Short of the last message the count is unknown here: reload.
    expect(onRead(list, { conversation: '10', login: 'ana', messageId: '103' }, 'ana')).toBeNull();
  });
});

describe('what a role may do in a group', () => {
  it('follows the server: moderators manage, owners change roles and delete, only owners remove owners', () => {
    expect(may.manage('owner') && may.manage('moderator') && !may.manage('member')).toBe(true);
    expect([may.changeRoles('owner'), may.changeRoles('moderator'), may.changeRoles('member')]).toEqual([true, false, false]);
    expect([may.deleteConversation('owner'), may.deleteConversation('moderator')]).toEqual([true, false]);
    expect([may.remove('owner', 'owner'), may.remove('moderator', 'owner'), may.remove('moderator', 'member'), may.remove('member', 'member')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });
});

describe('authorName', () => {
  it('shows a member by login and a guest by the name they gave, marked', () => {
    expect(authorName(msg('1'), 'guest')).toBe('bob');
    expect(authorName(msg('2', { author: null, guest: 'Maître Dupont' }), 'invité')).toBe('Maître Dupont (invité)');
  });

  it('counts a guest message as unread for a member', () => {
    const before = [summary('10', { unread: 0 })];
    const after = onMessageCreated(before, msg('103', { author: null, guest: 'Client' }), 'ana', null);
    expect(after?.[0].unread).toBe(1);
  });
});

describe('personal settings in the list', () => {
  it('counts no mention in a muted conversation, still the unread message, and brings an archived one back', () => {
    const list = [summary('10', { muted: true, archived: true })];
    const next = onMessageCreated(list, msg('101', { text: '@ana look' }), 'ana', null)!;
    expect(next[0]).toMatchObject({ unread: 1, mentions: 0, archived: false });
  });

  it('keeps favourites first when a message moves another conversation to the top', () => {
    const list = [summary('1', { favourite: true }), summary('2', { lastMessageId: '50' })];
    const next = onMessageCreated(list, msg('101', { conversation: '2' }), 'ana', null)!;
    expect(next.map((c) => c.id)).toEqual(['1', '2']);
    expect(favouritesFirst([summary('3'), summary('4', { favourite: true })]).map((c) => c.id)).toEqual(['4', '3']);
  });

  it('applies a change from another tab; muting hides mentions; unmuting and (un)favouriting ask for the server list', () => {
    const list = [summary('10', { mentions: 2, unread: 3 })];
    const muted = onPersonal(list, { conversation: '10', muted: true, favourite: false, archived: false })!;
    expect(muted[0]).toMatchObject({ muted: true, mentions: 0, unread: 3 });
    expect(onPersonal(list, { conversation: '10', muted: false, favourite: false, archived: true })![0].archived).toBe(true);
    expect(onPersonal(muted, { conversation: '10', muted: false, favourite: false, archived: false })).toBeNull();
    expect(onPersonal(list, { conversation: '10', muted: false, favourite: true, archived: false })).toBeNull();
    expect(onPersonal(list, { conversation: '99', muted: true, favourite: false, archived: false })).toBeNull();
  });
});

describe('reactors', () => {
  it('lists the logins then the guests with the guest mark, so guests count too', () => {
    expect(reactors({ emoji: '👍', logins: ['ana'], guests: ['M. Dupont'] }, 'guest')).toEqual(['ana', 'M. Dupont (guest)']);
    expect(reactors({ emoji: '👍', logins: [], guests: ['M. Dupont'] }, 'invité')).toHaveLength(1);
  });
});

describe('search results', () => {
  it('cut the snippet around the word found, whatever the marks the server sent', () => {
    expect(snippetParts({ text: '…la Réunion d’été', start: 4, end: 11 })).toEqual(['…la ', 'Réunion', ' d’été']);
    expect(snippetParts({ text: 'abc', start: 0, end: 0 })).toEqual(['', '', 'abc']);
    expect(snippetParts({ text: 'abc', start: 2, end: 99 })).toEqual(['ab', 'c', '']);
    expect(snippetParts({ text: 'abc', start: 5, end: 1 })).toEqual(['abc', '', '']);
  });

  it('name a one-to-one by the other person and a group by its name', () => {
    expect(titleOf({ kind: 'direct', name: '', with: 'bob' })).toBe('bob');
    expect(titleOf({ kind: 'group', name: 'Plans', with: null })).toBe('Plans');
  });
});

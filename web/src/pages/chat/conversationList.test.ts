import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../api/chat';
import { summary } from '../../api/chat.fixture';
import { fold, visibleConversations } from './conversationList';

const c = (id: string, over: Partial<ConversationSummary> = {}) => summary(id, { kind: 'group', name: `Group ${id}`, with: undefined, memberCount: 3, ...over });

const list = [
  c('1', { name: 'Cabinet Tunis', favourite: true, members: ['ana', 'sami.benali'] }),
  c('2', { kind: 'direct', name: '', with: 'élodie', unread: 2 }),
  c('3', { name: 'Équipe Paris', archived: true, unread: 1 }),
  c('4', { name: 'Clients', muted: true, unread: 4 }),
];
const ids = (l: ConversationSummary[]) => l.map((x) => x.id);

describe('the conversation list', () => {
  it('folds case and accents', () => {
    expect(fold('Élodie ÇA')).toBe('elodie ca');
  });

  it('hides archived conversations except under their own filter', () => {
    expect(ids(visibleConversations(list, 'all', ''))).toEqual(['1', '2', '4']);
    expect(ids(visibleConversations(list, 'archived', ''))).toEqual(['3']);
  });

  it('keeps unread ones (muted included), and favourites', () => {
    expect(ids(visibleConversations(list, 'unread', ''))).toEqual(['2', '4']);
    expect(ids(visibleConversations(list, 'favourites', ''))).toEqual(['1']);
  });

  it('matches the typed words against the name, the other person or a member, whatever the accents and case', () => {
    expect(ids(visibleConversations(list, 'all', 'BENALI'))).toEqual(['1']);
    expect(ids(visibleConversations(list, 'all', 'sami tunis'))).toEqual(['1']);
    expect(ids(visibleConversations(list, 'all', 'ELODIE'))).toEqual(['2']);
    expect(ids(visibleConversations(list, 'all', 'tunis cab'))).toEqual(['1']);
    expect(ids(visibleConversations(list, 'archived', 'equipe'))).toEqual(['3']);
    expect(ids(visibleConversations(list, 'all', 'equipe'))).toEqual([]);
    expect(ids(visibleConversations(list, 'all', '  '))).toEqual(['1', '2', '4']);
  });
});

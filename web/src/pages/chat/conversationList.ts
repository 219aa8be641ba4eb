// Which conversations the list shows: the filter chosen (all, unread, favourites, archived)
// and the text typed, matched without regard to case or accents against the conversation's
// name, the other person of a one-to-one and a group's members.
import { titleOf, type ConversationSummary } from '../../api/chat';

export const LIST_FILTERS = ['all', 'unread', 'favourites', 'archived'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

/** Lower case without accents ("Élodie" → "elodie"), so "elo" finds "Élodie" and "Éric" finds "eric". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function keeps(c: ConversationSummary, filter: ListFilter): boolean {
  switch (filter) {
    case 'archived':
      return c.archived;
    case 'unread':
      return !c.archived && c.unread > 0;
    case 'favourites':
      return !c.archived && c.favourite;
    default:
      return !c.archived;
  }
}

/** The conversations to show, in the list's order; archived ones only under their own filter. */
export function visibleConversations(list: readonly ConversationSummary[], filter: ListFilter, query: string): ConversationSummary[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  return list.filter((c) => {
    if (!keeps(c, filter)) return false;
    const haystack = fold([titleOf(c), ...c.members].join(' '));
    return words.every((w) => haystack.includes(w));
  });
}

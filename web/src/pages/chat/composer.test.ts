import { describe, expect, it } from 'vitest';
import { EMOJI, searchEmoji } from './emoji';
import { completeMention, mentionAt, mentionCandidates } from './mentions';

describe('mention autocompletion', () => {
  it('finds the @word the caret is in, not an e-mail address', () => {
    expect(mentionAt('hello @bo', 9)).toEqual({ start: 6, query: 'bo' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('mail bob@exa', 12)).toBeNull();
    expect(mentionAt('hello @bob done', 15)).toBeNull();
  });

  it('offers the other members starting with the query, then all', () => {
    expect(mentionCandidates(['carol', 'alice', 'bob', 'Bruno'], '', 'alice')).toEqual(['bob', 'Bruno', 'carol', 'all']);
    expect(mentionCandidates(['carol', 'alice', 'bob', 'Bruno'], 'b', 'alice')).toEqual(['bob', 'Bruno']);
    expect(mentionCandidates(['alice'], 'A', 'alice')).toEqual(['all']);
  });

  it('completes the mention in place and puts the caret after it', () => {
    expect(completeMention('hi @bo and more', 3, 6, 'bob')).toEqual({ text: 'hi @bob  and more', caret: 8 });
  });
});

describe('emoji search', () => {
  it('finds by English or French words, accents and œ folded', () => {
    expect(searchEmoji('coffee').map((x) => x.e)).toEqual(['☕']);
    expect(searchEmoji('cafe').map((x) => x.e)).toEqual(['☕']);
    expect(searchEmoji('coeur').map((x) => x.e)).toContain('❤️');
    expect(searchEmoji('thumbs down').map((x) => x.e)).toEqual(['👎']);
    expect(searchEmoji('  ')).toHaveLength(EMOJI.length);
    expect(searchEmoji('zzz')).toEqual([]);
  });
});

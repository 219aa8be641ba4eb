import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { bareEntry, DavError, type DavEntry } from '../../api/dav';
import { translate, type Translate } from '../../i18n/i18n';
import { davErrorText, filesUrl, filterEntries, folderFromUrl, nameProblem, nextSort, sortEntries, stemLength } from './model';

const entry = (name: string, over: Partial<DavEntry> = {}): DavEntry => bareEntry('/' + name, over);

describe('console URLs of folders', () => {
  it('encodes each name, and reads it back byte for byte', () => {
    for (const path of ['/', '/Rapports 2026', '/a/bilan-été #2 100%.txt', '/🎉/x?y', '/' + 'Été'.normalize('NFD')]) {
      const url = filesUrl(path);
      expect(url.startsWith('/files')).toBe(true);
      expect(url.slice(1)).not.toMatch(/[ #?%](?![0-9A-F]{2})/);
      expect(folderFromUrl(url)).toBe(path);
    }
    expect(filesUrl('/')).toBe('/files');
    expect(filesUrl('/Rapports 2026')).toBe('/files/Rapports%202026');
    expect(folderFromUrl('/files/')).toBe('/');
    expect(folderFromUrl('/filesystem')).toBeNull();
    expect(folderFromUrl('/files/bad%E9')).toBe('/bad%E9');
  });
});

describe('sorting and filtering', () => {
  const list = [
    entry('b10.txt', { size: 5, lastModified: 3 }),
    entry('Zeta', { isFolder: true, size: 100, lastModified: 1 }),
    entry('b2.txt', { size: 50, lastModified: 2 }),
    entry('alpha', { isFolder: true, size: 1, lastModified: 9 }),
    entry('Été.md', { size: 7, lastModified: 5 }),
  ];
  const names = (l: DavEntry[]) => l.map((e) => e.name);

  it('puts folders first, then sorts by name as people read numbers', () => {
    expect(names(sortEntries(list, { key: 'name', dir: 'asc' }, 'fr'))).toEqual(['alpha', 'Zeta', 'b2.txt', 'b10.txt', 'Été.md']);
    expect(names(sortEntries(list, { key: 'name', dir: 'desc' }, 'fr'))).toEqual(['Zeta', 'alpha', 'Été.md', 'b10.txt', 'b2.txt']);
  });

  it('sorts by size and by date, folders still first', () => {
    expect(names(sortEntries(list, { key: 'size', dir: 'desc' }, 'en'))).toEqual(['Zeta', 'alpha', 'b2.txt', 'Été.md', 'b10.txt']);
    expect(names(sortEntries(list, { key: 'modified', dir: 'asc' }, 'en'))).toEqual(['Zeta', 'alpha', 'b2.txt', 'b10.txt', 'Été.md']);
  });

  it('flips the direction on the same column, and starts sizes and dates with the largest', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'size')).toEqual({ key: 'size', dir: 'desc' });
  });

  it('filters by name ignoring case and accents', () => {
    expect(names(filterEntries(list, 'ete'))).toEqual(['Été.md']);
    expect(names(filterEntries(list, ' B1 '))).toEqual(['b10.txt']);
    expect(filterEntries(list, '')).toHaveLength(5);
  });
});

describe('names', () => {
  it('refuses empty names, . and .., slashes and what the server refuses', () => {
    expect(nameProblem('')).toBe('empty');
    expect(nameProblem('   ')).toBe('empty');
    expect(nameProblem('.')).toBe('dots');
    expect(nameProblem('..')).toBe('dots');
    expect(nameProblem('a/b')).toBe('slash');
    expect(nameProblem('a\\b')).toBe('backslash');
    expect(nameProblem('a\u0007b')).toBe('control');
    expect(nameProblem('é'.repeat(128))).toBe('tooLong');
    expect(nameProblem('é'.repeat(127))).toBeNull();
    expect(nameProblem('...')).toBeNull();
    expect(nameProblem('Rapports 2026')).toBeNull();
  });

  it('knows the names already there, byte for byte, and lets an item keep its own', () => {
    const siblings = ['Été', 'notes.txt'];
    expect(nameProblem('notes.txt', siblings)).toBe('exists');
    expect(nameProblem('notes.txt', siblings, 'notes.txt')).toBeNull();
    expect(nameProblem('Été'.normalize('NFD'), siblings)).toBeNull();
    expect(nameProblem('Notes.txt', siblings)).toBeNull();
  });

  it('pre-selects the name without its extension', () => {
    expect(stemLength('bilan-été.txt', false)).toBe(9);
    expect(stemLength('.bashrc', false)).toBe(7);
    expect(stemLength('archive.tar.gz', false)).toBe(11);
    expect(stemLength('v1.2', true)).toBe(4);
  });
});

describe('error texts', () => {
  const en: Translate = (k, p) => translate('en', k, p);
  const fr: Translate = (k, p) => translate('fr', k, p);

  it("uses the console's words for quota, exists, locked, not found, cancelled", () => {
    expect(davErrorText(en, new DavError(507, 'Insufficient storage'))).toMatch(/quota/i);
    expect(davErrorText(fr, new DavError(507, 'Insufficient storage'))).toMatch(/quota/i);
    expect(davErrorText(en, new DavError(412))).toMatch(/already/);
    expect(davErrorText(en, new DavError(423))).toMatch(/locked/);
    expect(davErrorText(en, new DavError(0, undefined, undefined, 'aborted'))).toMatch(/cancel/i);
  });

  it("shows the server's message for refused names and forbidden places, with fallbacks", () => {
    expect(davErrorText(fr, new DavError(400, 'Le nom ne doit pas contenir de barre oblique inverse.'))).toBe(
      'Le nom ne doit pas contenir de barre oblique inverse.',
    );
    expect(davErrorText(en, new DavError(403))).toMatch(/not allowed/);
    expect(davErrorText(en, new DavError(409))).toMatch(/folder/);
    expect(davErrorText(en, new DavError(500))).toBe('Something went wrong (error 500). Please try again.');
    expect(davErrorText(en, new ApiError(0, null))).toBe('The server cannot be reached. Check your connection.');
  });
});

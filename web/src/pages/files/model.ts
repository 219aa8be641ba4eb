// What the Files app computes without the DOM: its URLs, sorting, filtering,
// name checks and error texts.
import type { ApiError } from '../../api/client';
import { pathFromSegments, pathSegments, type DavEntry } from '../../api/dav';
import type { Lang } from '../../api/types';
import type { MessageKey } from '../../i18n/catalog';
import type { Translate } from '../../i18n/i18n';

export const FILES_ROUTE = '/files';

/** The console URL of a folder: "/files" for the root, "/files/Rapports%202026/x". */
export function filesUrl(path: string): string {
  return FILES_ROUTE + pathSegments(path).map((s) => '/' + encodeURIComponent(s)).join('');
}

/** The folder shown at a console URL (pathname, still percent-encoded), or null outside /files. */
export function folderFromUrl(pathname: string): string | null {
  if (pathname !== FILES_ROUTE && !pathname.startsWith(FILES_ROUTE + '/')) return null;
  const segments = pathname
    .slice(FILES_ROUTE.length)
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return pathFromSegments(segments);
}

// ---------------------------------------------------------------------------
// Sorting and filtering

export type SortKey = 'name' | 'size' | 'modified';
export type SortDir = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

export const DEFAULT_SORT: Sort = { key: 'name', dir: 'asc' };

/** The next sort after a click on a column: the same column flips, another starts in its natural order. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'name' ? 'asc' : 'desc' };
}

/** Folders first, then by the key; names compare as people read them ("2" before "10"). */
export function sortEntries(entries: readonly DavEntry[], sort: Sort, lang: Lang): DavEntry[] {
  const collator = new Intl.Collator(lang, { numeric: true, sensitivity: 'base' });
  const byName = (a: DavEntry, b: DavEntry) => collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...entries].sort((a, b) => {
    if (a.isFolder !== b.isFolder) return a.isFolder ? -1 : 1;
    let c = 0;
    if (sort.key === 'size') c = a.size - b.size;
    else if (sort.key === 'modified') c = (a.lastModified ?? 0) - (b.lastModified ?? 0);
    if (c === 0) return sign * byName(a, b);
    return sign * c;
  });
}

/** Lower case without accents, for matching only (names themselves are never changed). */
export function foldForSearch(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** The entries whose name contains the query, ignoring case and accents ("ete" finds "Été"). */
export function filterEntries(entries: readonly DavEntry[], query: string): DavEntry[] {
  const q = foldForSearch(query.trim());
  if (!q) return [...entries];
  return entries.filter((e) => foldForSearch(e.name).includes(q));
}

// ---------------------------------------------------------------------------
// Names

export type NameProblem = 'empty' | 'dots' | 'slash' | 'backslash' | 'control' | 'tooLong' | 'exists';

export const MAX_NAME_BYTES = 255;

/**
 * Why a typed name cannot be used, or null. `siblings` are the names already in
 * the folder, compared byte for byte (the server keeps NFC and NFD apart);
 * `current` is the item's own name when renaming.
 */
export function nameProblem(name: string, siblings: Iterable<string> = [], current?: string): NameProblem | null {
  if (name.trim() === '') return 'empty';
  if (name === '.' || name === '..') return 'dots';
  if (name.includes('/')) return 'slash';
  if (name.includes('\\')) return 'backslash';
  if (/[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/.test(name)) return 'control';
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) return 'tooLong';
  if (name !== current) {
    for (const s of siblings) if (s === name) return 'exists';
  }
  return null;
}

export const NAME_PROBLEM_TEXT: Record<NameProblem, MessageKey> = {
  empty: 'files.name.empty',
  dots: 'files.name.dots',
  slash: 'files.name.slash',
  backslash: 'files.name.backslash',
  control: 'files.name.control',
  tooLong: 'files.name.tooLong',
  exists: 'files.name.exists',
};

/** The part of a file name before its extension, for pre-selecting it when renaming. */
export function stemLength(name: string, isFolder: boolean): number {
  if (isFolder) return name.length;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? dot : name.length;
}

// ---------------------------------------------------------------------------
// Errors

// Conditions with a precise meaning get the console's own words, written for this screen;
// the others show the server's message (in the UI language, from Accept-Language), which
// says what was wrong (a refused name, a forbidden place, …).
const OWN_TEXT: Partial<Record<string, MessageKey>> = {
  exists: 'files.error.exists',
  'quota-exceeded': 'files.error.quota',
  locked: 'files.error.locked',
  'not-found': 'files.error.notFound',
  'too-large': 'files.error.tooLarge',
  aborted: 'files.error.aborted',
  'bad-response': 'files.error.badResponse',
  network: 'error.network',
  unauthorized: 'error.unauthorized',
};

const FALLBACK_TEXT: Partial<Record<string, MessageKey>> = {
  'bad-request': 'files.error.badRequest',
  forbidden: 'files.error.forbidden',
  'parent-missing': 'files.error.parentMissing',
  'not-allowed': 'files.error.forbidden',
};

/** The text to show for a failed WebDAV request. */
export function davErrorText(t: Translate, err: ApiError): string {
  const own = OWN_TEXT[err.code];
  if (own) return t(own);
  if (err.serverMessage) return err.serverMessage;
  const fallback = FALLBACK_TEXT[err.code];
  if (fallback) return t(fallback);
  return t('error.unexpected', { status: err.status });
}

// Multi-select in the Files app, without the DOM: which rows are selected after a
// click (plain, Ctrl/Cmd, Shift), the state of the "select all" box, which actions a
// mixed selection allows (and why not), and running one action over every selected
// item so that one failure does not stop the others.
import { toApiError, type ApiError } from '../../api/client';
import type { DavEntry } from '../../api/dav';
import type { MessageKey } from '../../i18n/catalog';
import type { Translate } from '../../i18n/i18n';
import { davErrorText } from './model';
import { rowActions } from './sharing';

/** The selected paths and the anchor of the next Shift range (the last row clicked). */
export interface Selection {
  paths: ReadonlySet<string>;
  anchor: string | null;
}

export const NO_SELECTION: Selection = { paths: new Set(), anchor: null };

/** Adds or takes away one row; it becomes the anchor. */
export function toggle(sel: Selection, path: string): Selection {
  const paths = new Set(sel.paths);
  if (paths.has(path)) paths.delete(path);
  else paths.add(path);
  return { paths, anchor: path };
}

/**
 * Shift-click: every row from the anchor to `path` (in the order shown) is added, as in
 * Nextcloud and Google Drive; the anchor stays, so a second Shift-click extends from it.
 * Without an anchor still shown, it is a toggle.
 */
export function selectRange(sel: Selection, order: readonly string[], path: string): Selection {
  const from = sel.anchor === null ? -1 : order.indexOf(sel.anchor);
  const to = order.indexOf(path);
  if (from < 0 || to < 0) return toggle(sel, path);
  const paths = new Set(sel.paths);
  for (let i = Math.min(from, to); i <= Math.max(from, to); i++) paths.add(order[i]);
  return { paths, anchor: sel.anchor };
}

/** A click on a row's box or, with a modifier, on the row: Shift makes a range, anything else toggles. */
export function clickSelect(sel: Selection, order: readonly string[], path: string, shift: boolean): Selection {
  return shift ? selectRange(sel, order, path) : toggle(sel, path);
}

export type AllState = 'none' | 'some' | 'all';

/** The "select all" box: checked, indeterminate or empty, for the rows shown. */
export function allState(sel: Selection, order: readonly string[]): AllState {
  const n = order.filter((p) => sel.paths.has(p)).length;
  if (n === 0) return 'none';
  return n === order.length ? 'all' : 'some';
}

/** The "select all" box clicked: all shown rows, or none when all were. */
export function toggleAll(sel: Selection, order: readonly string[]): Selection {
  return allState(sel, order) === 'all' ? NO_SELECTION : { paths: new Set(order), anchor: null };
}

/** The selected entries among those shown (a filter or a refresh may hide some), in their order. */
export function selectedEntries(sel: Selection, shown: readonly DavEntry[]): DavEntry[] {
  return shown.filter((e) => sel.paths.has(e.path));
}

// ---------------------------------------------------------------------------
// What a selection allows

export type BulkAction = 'download' | 'move' | 'copy' | 'delete' | 'share';

/** Allowed, or why not (a message key, with the first item that forbids it). */
export type Allowed = { ok: true } | { ok: false; reason: MessageKey; name?: string };

const OK: Allowed = { ok: true };

/** The most paths /api/v1/files/zip takes in one request (docs/api/files.md). */
export const MAX_ZIP_PATHS = 1000;

/**
 * Per action, whether it applies to every selected item. The rules are the row menu's
 * (sharing.ts): an item that may not be moved or deleted there makes the action
 * unavailable for the whole selection, naming it, rather than half-doing it.
 */
export function bulkActions(entries: readonly DavEntry[]): Record<BulkAction, Allowed> {
  const firstWithout = (k: 'move' | 'delete') => entries.find((e) => !rowActions(e)[k]);
  const notMovable = firstWithout('move');
  const notDeletable = firstWithout('delete');
  const share: Allowed =
    entries.length !== 1
      ? { ok: false, reason: 'files.select.shareOne' }
      : rowActions(entries[0]).share
        ? OK
        : { ok: false, reason: 'files.select.noShare', name: entries[0].name };
  return {
    // One file downloads as itself; more than the zip endpoint takes would be refused (400).
    download: entries.length > MAX_ZIP_PATHS ? { ok: false, reason: 'files.select.tooManyForZip' } : OK,
    copy: OK,
    move: notMovable ? { ok: false, reason: 'files.select.noMove', name: notMovable.name } : OK,
    delete: notDeletable ? { ok: false, reason: 'files.select.noDelete', name: notDeletable.name } : OK,
    share,
  };
}

/** "1 selected", "3 selected" / « 1 sélectionné », « 0 sélectionné », « 3 sélectionnés ». */
export function countText(t: Translate, lang: string, key: 'files.select.count' | 'files.select.items', n: number): string {
  const form = new Intl.PluralRules(lang).select(n) === 'one' ? 'one' : 'other';
  return t(`${key}.${form}`, { n });
}

// ---------------------------------------------------------------------------
// Running an action over the selection

export interface ItemFailure {
  name: string;
  error: ApiError;
}

export interface BulkResult {
  done: number;
  failed: ItemFailure[];
}

/**
 * Runs `act` on each entry in turn (one request at a time, so the server sees what a
 * person would do by hand and an early failure cannot race a later success), reporting
 * progress; a failure is kept and the next item still goes.
 */
export async function runEach(
  entries: readonly DavEntry[],
  act: (e: DavEntry) => Promise<unknown>,
  onProgress: (done: number) => void = () => {},
): Promise<BulkResult> {
  const failed: ItemFailure[] = [];
  let done = 0;
  for (const [i, e] of entries.entries()) {
    try {
      await act(e);
      done++;
    } catch (err) {
      failed.push({ name: e.name, error: toApiError(err) });
    }
    onProgress(i + 1);
  }
  return { done, failed };
}

/** One line per item that failed, with the reason in the person's words (412 name taken, 403 read-only…). */
export function failureLines(t: Translate, failed: readonly ItemFailure[]): string[] {
  return failed.map((f) => t('files.select.failedItem', { name: f.name, reason: davErrorText(t, f.error) }));
}

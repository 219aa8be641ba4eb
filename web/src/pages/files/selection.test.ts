import { describe, expect, it } from 'vitest';
import { bareEntry, DavError, type DavEntry } from '../../api/dav';
import { translate } from '../../i18n/i18n';
import type { Translate } from '../../i18n/i18n';
import {
  allState,
  bulkActions,
  clickSelect,
  countText,
  failureLines,
  MAX_ZIP_PATHS,
  NO_SELECTION,
  runEach,
  selectedEntries,
  selectRange,
  toggle,
  toggleAll,
  type Selection,
} from './selection';

const order = ['/a', '/b', '/c', '/d', '/e'];
const paths = (s: Selection) => [...s.paths].sort();
const en: Translate = (k, p) => translate('en', k, p);
const fr: Translate = (k, p) => translate('fr', k, p);

describe('selecting rows', () => {
  it('a click toggles one row and makes it the anchor', () => {
    let s = toggle(NO_SELECTION, '/b');
    expect(paths(s)).toEqual(['/b']);
    expect(s.anchor).toBe('/b');
    s = toggle(s, '/d');
    expect(paths(s)).toEqual(['/b', '/d']);
    s = toggle(s, '/b');
    expect(paths(s)).toEqual(['/d']);
    expect(s.anchor).toBe('/b');
  });

  it('Shift selects from the anchor to the row, either way, and keeps what was selected', () => {
    let s = clickSelect(NO_SELECTION, order, '/b', false);
    s = clickSelect(s, order, '/d', true);
    expect(paths(s)).toEqual(['/b', '/c', '/d']);
    expect(s.anchor).toBe('/b');
    // Backwards from the same anchor adds the rows above it.
    s = selectRange(s, order, '/a');
    expect(paths(s)).toEqual(['/a', '/b', '/c', '/d']);
    // A Ctrl-click elsewhere then Shift extends from the new anchor.
    s = clickSelect(toggle(NO_SELECTION, '/e'), order, '/d', true);
    expect(paths(s)).toEqual(['/d', '/e']);
  });

  it('Shift without an anchor, or with one no longer shown, toggles the row alone', () => {
    expect(paths(selectRange(NO_SELECTION, order, '/c'))).toEqual(['/c']);
    expect(paths(selectRange({ paths: new Set(), anchor: '/gone' }, order, '/c'))).toEqual(['/c']);
  });

  it('the select-all box is empty, indeterminate or checked for the rows shown', () => {
    expect(allState(NO_SELECTION, order)).toBe('none');
    expect(allState(toggle(NO_SELECTION, '/a'), order)).toBe('some');
    // A selected row the filter hides does not count.
    expect(allState(toggle(NO_SELECTION, '/hidden'), order)).toBe('none');
    const all = toggleAll(toggle(NO_SELECTION, '/a'), order);
    expect(allState(all, order)).toBe('all');
    expect(paths(all)).toEqual(order);
    expect(allState(toggleAll(all, order), order)).toBe('none');
    expect(allState(NO_SELECTION, [])).toBe('none');
  });

  it('the selected entries are those shown, in their order', () => {
    const shown = ['/c', '/a', '/b'].map((p) => bareEntry(p));
    const s: Selection = { paths: new Set(['/a', '/c', '/gone']), anchor: null };
    expect(selectedEntries(s, shown).map((e) => e.path)).toEqual(['/c', '/a']);
  });
});

describe('what a mixed selection allows', () => {
  const own = (path: string, isFolder = false) => bareEntry(path, { isFolder, permissions: isFolder ? 'RGDNVCK' : 'RGDNVW' });
  const readOnlyFile = bareEntry('/Plans/lu.txt', { permissions: 'SG', ownerId: 'alice' });
  const mount = bareEntry('/Plans', { isFolder: true, permissions: 'SGDNVCK', ownerId: 'alice' });

  it('all the user’s own items: everything but sharing several at once', () => {
    const can = bulkActions([own('/a.txt'), own('/Docs', true)]);
    expect(can.download.ok && can.copy.ok && can.move.ok && can.delete.ok).toBe(true);
    expect(can.share).toEqual({ ok: false, reason: 'files.select.shareOne' });
    expect(bulkActions([own('/a.txt')]).share.ok).toBe(true);
  });

  it('more items than the zip endpoint takes cannot be downloaded at once', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => own(`/f${i}.txt`));
    expect(bulkActions(many(MAX_ZIP_PATHS)).download.ok).toBe(true);
    expect(bulkActions(many(MAX_ZIP_PATHS + 1)).download).toEqual({ ok: false, reason: 'files.select.tooManyForZip' });
  });

  it('one read-only item makes move and delete unavailable, naming it; download and copy stay', () => {
    const can = bulkActions([own('/Plans/mine.txt'), readOnlyFile]);
    expect(can.move).toEqual({ ok: false, reason: 'files.select.noMove', name: 'lu.txt' });
    expect(can.delete).toEqual({ ok: false, reason: 'files.select.noDelete', name: 'lu.txt' });
    expect(can.download.ok).toBe(true);
    expect(can.copy.ok).toBe(true);
    expect(bulkActions([readOnlyFile]).share).toEqual({ ok: false, reason: 'files.select.noShare', name: 'lu.txt' });
  });

  it('a share’s mount is left from its own menu, not deleted or moved with a selection', () => {
    const can = bulkActions([own('/a.txt'), mount]);
    expect(can.delete).toMatchObject({ ok: false, name: 'Plans' });
    expect(can.move).toMatchObject({ ok: false, name: 'Plans' });
    expect(en(can.delete.ok ? 'files.select.noDelete' : can.delete.reason, { name: 'Plans' })).toContain('“Plans” may not be deleted');
  });
});

describe('counts in both languages', () => {
  it('uses each language’s plural: French counts 0 and 1 as singular', () => {
    expect(countText(en, 'en', 'files.select.count', 1)).toBe('1 selected');
    expect(countText(en, 'en', 'files.select.items', 1)).toBe('1 item');
    expect(countText(en, 'en', 'files.select.items', 0)).toBe('0 items');
    expect(countText(en, 'en', 'files.select.items', 3)).toBe('3 items');
    expect(countText(fr, 'fr', 'files.select.count', 1)).toBe('1 sélectionné');
    expect(countText(fr, 'fr', 'files.select.count', 0)).toBe('0 sélectionné');
    expect(countText(fr, 'fr', 'files.select.count', 3)).toBe('3 sélectionnés');
    expect(countText(fr, 'fr', 'files.select.items', 2)).toBe('2 éléments');
  });
});

describe('running an action over the selection', () => {
  const items: DavEntry[] = ['/a.txt', '/b.txt', '/c.txt', '/d.txt'].map((p) => bareEntry(p));

  it('goes on after a failure and reports each failed item with its reason', async () => {
    const seen: number[] = [];
    const calls: string[] = [];
    const r = await runEach(
      items,
      async (e) => {
        calls.push(e.name);
        if (e.name === 'b.txt') throw new DavError(412, undefined, undefined, 'exists');
        if (e.name === 'd.txt') throw new DavError(403, 'This share is read-only.');
      },
      (done) => seen.push(done),
    );
    expect(calls).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(r.done).toBe(2);
    expect(r.failed.map((f) => [f.name, f.error.status])).toEqual([
      ['b.txt', 412],
      ['d.txt', 403],
    ]);
    expect(failureLines(en, r.failed)).toEqual([
      `“b.txt”: ${en('files.error.exists')}`,
      '“d.txt”: This share is read-only.',
    ]);
    expect(failureLines(fr, r.failed)[0]).toBe(`« b.txt » : ${fr('files.error.exists')}`);
  });

  it('a failure that is not an HTTP answer (the network) is reported too', async () => {
    const r = await runEach([items[0]], async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(r).toMatchObject({ done: 0, failed: [{ name: 'a.txt', error: { code: 'network' } }] });
  });
});

import { describe, expect, it } from 'vitest';
import { bareEntry, type DavEntry } from '../../api/dav';
import { isMount, isReadOnly, rowActions, sharedBy } from './sharing';

const entry = (path: string, permissions: string | null, over: Partial<DavEntry> = {}): DavEntry =>
  bareEntry(path, { isFolder: true, permissions, ...over });

// Letters as docs/api/sharing.md gives them (Nextcloud 28's DavUtil::getDavPermissions).
describe('row actions from oc:permissions', () => {
  it('offers everything on the user’s own items', () => {
    expect(rowActions(entry('/Docs', 'RGDNVCK'))).toEqual({ rename: true, move: true, delete: true, leave: false, share: true });
  });

  it('a read-only share received: leave only, no rename, no move, no delete, no re-share', () => {
    const mount = entry('/Docs', 'SGDNV', { ownerId: 'alice', ownerName: 'Alice' });
    expect(isMount(mount)).toBe(true);
    expect(isReadOnly(mount)).toBe(true);
    expect(rowActions(mount)).toEqual({ rename: false, move: false, delete: false, leave: true, share: false });
    expect(rowActions(entry('/Docs/a.txt', 'SG', { isFolder: false }))).toEqual({ rename: false, move: false, delete: false, leave: false, share: false });
    expect(sharedBy(mount, 'bob')).toBe('Alice');
  });

  it('a share with every right: rename and leave at the top, everything inside', () => {
    const mount = entry('/Docs', 'SRGDNVWCK', { ownerId: 'alice', ownerName: 'Alice' });
    expect(isReadOnly(mount)).toBe(false);
    expect(rowActions(mount)).toEqual({ rename: true, move: false, delete: false, leave: true, share: true });
    expect(rowActions(entry('/Docs/x', 'SRGDNVCK'))).toEqual({ rename: true, move: true, delete: true, leave: false, share: true });
  });

  it('a share with delete but no edit still offers a move (out of it)', () => {
    expect(rowActions(entry('/Docs/a.txt', 'SGD', { isFolder: false }))).toEqual({ rename: false, move: true, delete: true, leave: false, share: false });
  });

  it('names no sharer for one’s own items', () => {
    expect(sharedBy(entry('/Docs', 'RGDNVCK', { ownerId: 'bob', ownerName: 'Bob' }), 'bob')).toBeNull();
  });
});

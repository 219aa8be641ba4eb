// What a row of the Files app may offer, from its oc:permissions letters (Nextcloud 28's
// DavUtil::getDavPermissions, docs/api/sharing.md): `S` marks everything inside a share
// received from someone else; a share's top item (its mount, at the user's root) always
// carries D, N and V — they mean "leave" and "rename for me" there — so its W says
// whether the share may be changed at all.
import { parentPath, type DavEntry } from '../../api/dav';

/** Whether `permissions` allows `letter`; unknown permissions allow all. */
export function allows(permissions: string | null, letter: string): boolean {
  return permissions === null || permissions.includes(letter);
}

/** Inside a share someone else made (the mount itself included). */
export function inShare(e: Pick<DavEntry, 'permissions'>): boolean {
  return e.permissions !== null && e.permissions.includes('S');
}

/** The top item of a received share, at the user's root. */
export function isMount(e: Pick<DavEntry, 'permissions' | 'path'>): boolean {
  return inShare(e) && parentPath(e.path) === '/';
}

/** Nothing in it may be changed: no W, and for folders no C/K either. */
export function isReadOnly(e: Pick<DavEntry, 'permissions' | 'isFolder'>): boolean {
  if (e.permissions === null) return false;
  return !e.permissions.includes('W') && !(e.isFolder && (e.permissions.includes('C') || e.permissions.includes('K')));
}

export interface RowActions {
  rename: boolean;
  move: boolean;
  delete: boolean;
  /** Leave the share (its mount only; in place of delete). */
  leave: boolean;
  share: boolean;
}

export function rowActions(e: DavEntry): RowActions {
  if (isMount(e)) {
    // Renaming the mount is harmless to the owner, but a read-only share offers no
    // rename at all, so that "read-only" means what it says to the person using it.
    return { rename: allows(e.permissions, 'W'), move: false, delete: false, leave: true, share: allows(e.permissions, 'R') };
  }
  return {
    rename: allows(e.permissions, 'N'),
    // A move takes the item away from where it is (D); out of a share into the user's own
    // files or another share that is all it needs, so a share with delete but no edit
    // still offers it (a move within that share is then refused with the server's reason).
    move: allows(e.permissions, 'D'),
    delete: allows(e.permissions, 'D'),
    leave: false,
    share: allows(e.permissions, 'R'),
  };
}

/** Whoever shared it with the user, when it is someone else's: the owner's name. */
export function sharedBy(e: DavEntry, login: string): string | null {
  if (!inShare(e) || e.ownerId === null || e.ownerId === login) return null;
  return e.ownerName ?? e.ownerId;
}

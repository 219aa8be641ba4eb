// The Files app's reads, through the query layer's cache: keys start with
// `dav:`, so refreshFiles() reads every listing on screen and the quota again.
import { invalidate, useQuery } from '../../api/client';
import { getQuota, listFolder, type DavListing, type Quota } from '../../api/dav';

export const listingKey = (login: string, path: string) => `dav:list:${login}:${path}`;
export const quotaKey = (login: string) => `dav:quota:${login}`;

/** A folder's listing (PROPFIND Depth 1); null skips. */
export function useListing(login: string, path: string | null) {
  return useQuery<DavListing>(path === null ? null : listingKey(login, path), () => listFolder(login, path!));
}

/** The signed-in person's used and available space. */
export function useQuota(login: string) {
  return useQuery<Quota>(quotaKey(login), () => getQuota(login));
}

/** After a change: every listing on screen and the quota are read again. */
export function refreshFiles(): void {
  invalidate('dav:');
}

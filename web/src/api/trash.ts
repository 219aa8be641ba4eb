// The trash and the versions of the Files app, through the Nextcloud-style WebDAV
// mounts: /remote.php/dav/trashbin/{login}/trash/ (PROPFIND lists, MOVE to
// …/restore/{name} restores, DELETE deletes for good) and
// /remote.php/dav/versions/{login}/versions/{fileid}/ (PROPFIND lists, GET downloads,
// COPY to …/versions/{login}/restore/target restores). See docs/api/webdav.md.
import {
  child,
  DAV_NS,
  davHeaders,
  decodeSegment,
  type MultistatusResponse,
  multistatusResponses as responses,
  OC_NS,
  send,
  textOf,
  toNumber,
} from './dav';

export const NC_NS = 'http://nextcloud.org/ns';
export const DAV_TRASHBIN = '/remote.php/dav/trashbin';
export const DAV_VERSIONS = '/remote.php/dav/versions';

export interface TrashItem {
  href: string;
  /** The item's name in the trash ("a.txt.d1767225600"), used in the URLs. */
  itemName: string;
  /** The name it had (nc:trashbin-filename). */
  name: string;
  /** Where it was, below the user's root, as a decoded path: "/docs/a.txt". */
  originalLocation: string;
  /** nc:trashbin-deletion-time in ms since the epoch, null when missing. */
  deletedAt: number | null;
  isFolder: boolean;
  size: number;
  fileId: string | null;
}

export interface Version {
  href: string;
  /** The last segment of the href. */
  id: string;
  /** getlastmodified in ms, null when missing. */
  lastModified: number | null;
  size: number;
  etag: string | null;
  contentType: string | null;
}

/** The decoded segments of an href's path (a full URL or an absolute path). */
function hrefSegments(href: string): string[] {
  const pathOnly = href.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0];
  return pathOnly.split('/').filter((s) => s !== '').map(decodeSegment);
}

function isCollection(r: MultistatusResponse): boolean {
  const rt = r.get(DAV_NS, 'resourcetype');
  return rt ? child(rt, DAV_NS, 'collection') !== undefined : r.href.endsWith('/');
}

function dateOf(r: MultistatusResponse): number | null {
  const s = textOf(r.get(DAV_NS, 'getlastmodified'));
  const d = s ? Date.parse(s) : NaN;
  return Number.isFinite(d) ? d : null;
}

/** "docs/a.txt" (as the server sends it) → "/docs/a.txt". */
export function locationPath(location: string): string {
  return '/' + location.split('/').filter((s) => s !== '').join('/');
}

/** The folder an original location was in: "/docs/a.txt" → "/docs", "/a.txt" → "/". */
export function locationFolder(location: string): string {
  const segments = location.split('/').filter((s) => s !== '');
  return '/' + segments.slice(0, -1).join('/');
}

/**
 * Parses the PROPFIND answer of the trash: the items, in the server's order. The trash
 * folder itself (no nc:trashbin-filename, href ending in /trash/) is left out.
 */
export function parseTrash(xml: string): TrashItem[] {
  const items: TrashItem[] = [];
  for (const r of responses(xml)) {
    const segments = hrefSegments(r.href);
    const filename = textOf(r.get(NC_NS, 'trashbin-filename'));
    const last = segments.at(-1) ?? '';
    if (!filename && (last === 'trash' || segments.length === 0)) continue;
    const isFolder = isCollection(r);
    const contentLength = toNumber(textOf(r.get(DAV_NS, 'getcontentlength')));
    const ocSize = toNumber(textOf(r.get(OC_NS, 'size')));
    const seconds = toNumber(textOf(r.get(NC_NS, 'trashbin-deletion-time')));
    const location = textOf(r.get(NC_NS, 'trashbin-original-location'));
    const name = filename || last.replace(/\.d\d+$/, '');
    items.push({
      href: r.href,
      itemName: last,
      name,
      originalLocation: locationPath(location ?? name),
      deletedAt: seconds === null ? null : seconds * 1000,
      isFolder,
      size: (isFolder ? (ocSize ?? contentLength) : (contentLength ?? ocSize)) ?? 0,
      fileId: textOf(r.get(OC_NS, 'fileid')) || null,
    });
  }
  return items;
}

/** Parses the PROPFIND answer of a file's versions: the versions (not the folder), newest first. */
export function parseVersions(xml: string): Version[] {
  const out: Version[] = [];
  for (const r of responses(xml)) {
    if (isCollection(r)) continue;
    const id = hrefSegments(r.href).at(-1) ?? '';
    if (!id) continue;
    const contentLength = toNumber(textOf(r.get(DAV_NS, 'getcontentlength')));
    const ocSize = toNumber(textOf(r.get(OC_NS, 'size')));
    out.push({
      href: r.href,
      id,
      lastModified: dateOf(r),
      size: contentLength ?? ocSize ?? 0,
      etag: textOf(r.get(DAV_NS, 'getetag')) || null,
      contentType: textOf(r.get(DAV_NS, 'getcontenttype')) || null,
    });
  }
  // Newest first, whatever order the server used (ties keep theirs).
  return out
    .map((v, i) => ({ v, i }))
    .sort((a, b) => (b.v.lastModified ?? 0) - (a.v.lastModified ?? 0) || a.i - b.i)
    .map((x) => x.v);
}

// ---------------------------------------------------------------------------
// URLs

const enc = encodeURIComponent;

export const trashUrl = (login: string) => `${DAV_TRASHBIN}/${enc(login)}/trash/`;
export const trashItemUrl = (login: string, itemName: string) => `${DAV_TRASHBIN}/${enc(login)}/trash/${enc(itemName)}`;
export const versionsUrl = (login: string, fileId: string) => `${DAV_VERSIONS}/${enc(login)}/versions/${enc(fileId)}/`;
/** Downloads a version (GET, with the session cookie). */
export const versionUrl = (login: string, fileId: string, versionId: string) => `${versionsUrl(login, fileId)}${enc(versionId)}`;

// ---------------------------------------------------------------------------
// Requests

const XML = 'application/xml; charset=utf-8';

const TRASH_PROPFIND =
  '<?xml version="1.0" encoding="utf-8"?>\n' +
  `<d:propfind xmlns:d="DAV:" xmlns:oc="${OC_NS}" xmlns:nc="${NC_NS}"><d:prop>` +
  '<d:resourcetype/><d:getcontentlength/><d:getlastmodified/><oc:size/><oc:fileid/>' +
  '<nc:trashbin-filename/><nc:trashbin-original-location/><nc:trashbin-deletion-time/>' +
  '</d:prop></d:propfind>';

const VERSIONS_PROPFIND =
  '<?xml version="1.0" encoding="utf-8"?>\n' +
  `<d:propfind xmlns:d="DAV:" xmlns:oc="${OC_NS}"><d:prop>` +
  '<d:resourcetype/><d:getcontentlength/><d:getlastmodified/><d:getetag/><d:getcontenttype/><oc:size/>' +
  '</d:prop></d:propfind>';

export async function listTrash(login: string, signal?: AbortSignal): Promise<TrashItem[]> {
  const res = await send('PROPFIND', trashUrl(login), davHeaders('PROPFIND', { Depth: '1' }, XML), TRASH_PROPFIND, signal);
  return parseTrash(await res.text());
}

/** Restores an item to its original place; the server picks another name when that one is taken. Gives the file id. */
export async function restoreTrashItem(login: string, item: TrashItem): Promise<string | null> {
  const destination = `${DAV_TRASHBIN}/${enc(login)}/restore/${enc(item.itemName)}`;
  const res = await send('MOVE', trashItemUrl(login, item.itemName) + (item.isFolder ? '/' : ''), davHeaders('MOVE', { Destination: destination }));
  return res.headers.get('OC-FileId');
}

export async function deleteTrashItem(login: string, item: TrashItem): Promise<void> {
  await send('DELETE', trashItemUrl(login, item.itemName) + (item.isFolder ? '/' : ''), davHeaders('DELETE'));
}

export async function emptyTrash(login: string): Promise<void> {
  await send('DELETE', trashUrl(login), davHeaders('DELETE'));
}

export async function listVersions(login: string, fileId: string, signal?: AbortSignal): Promise<Version[]> {
  const res = await send('PROPFIND', versionsUrl(login, fileId), davHeaders('PROPFIND', { Depth: '1' }, XML), VERSIONS_PROPFIND, signal);
  return parseVersions(await res.text());
}

/** Makes a version the file's content; the current content becomes a version. */
export async function restoreVersion(login: string, fileId: string, versionId: string): Promise<void> {
  await send('COPY', versionUrl(login, fileId, versionId), davHeaders('COPY', { Destination: `${DAV_VERSIONS}/${enc(login)}/restore/target` }));
}

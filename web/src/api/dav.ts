// A small WebDAV client for the Files app: /remote.php/dav/files/{login}/{path}
// (RFC 4918, with the Nextcloud `oc:` properties). It authenticates with the
// session cookie and sends the same headers as the query layer (CSRF token,
// X-Requested-With, Accept-Language). Paths are decoded strings, "/" for the
// root and "/Docs/a b.txt" below it; names are kept byte for byte (never
// Unicode-normalised) and each segment is percent-encoded on its own.
import { ApiError, reportUnauthorized, requestHeaders } from './client';

export const DAV_NS = 'DAV:';
export const OC_NS = 'http://owncloud.org/ns';
export const SABRE_NS = 'http://sabredav.org/ns';
export const NC_NS = 'http://nextcloud.org/ns';

/** The mount of the users' files; `/remote.php/dav/files/{login}/…` below it. */
export const DAV_FILES = '/remote.php/dav/files';

export interface DavEntry {
  /** The href as the server sent it. */
  href: string;
  /** Decoded path below the user's root: "/" or "/Docs/a b.txt". */
  path: string;
  /** The last segment, "" for the root. */
  name: string;
  isFolder: boolean;
  /** Files: getcontentlength; folders: oc:size (recursive); 0 when unknown. */
  size: number;
  /** getlastmodified in ms since the epoch, null when missing or unreadable. */
  lastModified: number | null;
  etag: string | null;
  contentType: string | null;
  fileId: string | null;
  /** oc:permissions letters (e.g. "RGDNVW"), null when not sent. */
  permissions: string | null;
  /** d:quota-used-bytes, sent on the root. */
  quotaUsed: number | null;
  /** d:quota-available-bytes; negative (Nextcloud's -3) means no limit. */
  quotaAvailable: number | null;
  /** nc:has-preview: the server makes a thumbnail of it. */
  hasPreview: boolean;
  /** oc:share-types: the types of the shares the user made or owns of it (0 user, 1 group, 3 link…). */
  shareTypes: number[];
  /** oc:owner-id and oc:owner-display-name: whose it is (another person inside a share). */
  ownerId: string | null;
  ownerName: string | null;
}

export interface DavListing {
  /** The folder itself (the first response). */
  folder: DavEntry;
  /** What is in it (Depth 1), in the server's order. */
  children: DavEntry[];
}

export interface Quota {
  used: number;
  /** Bytes left, or null when there is no limit. */
  available: number | null;
}

// ---------------------------------------------------------------------------
// Errors

/** `ApiError.code` of a WebDAV failure, from the status. */
export type DavErrorCode =
  | 'network'
  | 'aborted'
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'not-allowed'
  | 'parent-missing'
  | 'exists'
  | 'too-large'
  | 'locked'
  | 'quota-exceeded'
  | 'bad-response'
  | `http-${number}`;

export function davCodeFor(status: number): DavErrorCode {
  switch (status) {
    case 0:
      return 'network';
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'not-allowed';
    case 409:
      return 'parent-missing';
    case 412:
      return 'exists';
    case 413:
      return 'too-large';
    case 423:
      return 'locked';
    case 507:
      return 'quota-exceeded';
    default:
      return `http-${status}`;
  }
}

/** A failed WebDAV request. `serverMessage` is the `<s:message>` of the error body. */
export class DavError extends ApiError {
  readonly exception?: string;

  constructor(status: number, message?: string, exception?: string, code?: DavErrorCode) {
    super(status, { error: code ?? davCodeFor(status), message });
    this.name = 'DavError';
    this.exception = exception || undefined;
  }
}

export function childElements(parent: Node): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

export function child(parent: Node, ns: string, local: string): Element | undefined {
  return childElements(parent).find((e) => e.namespaceURI === ns && e.localName === local);
}

export function textOf(e: Element | undefined): string | null {
  if (!e) return null;
  return (e.textContent ?? '').trim();
}

/** Parses XML, or throws a DavError('bad-response') when it is not well-formed. */
export function parseXml(text: string, status: number): Document {
  let doc: Document;
  try {
    doc = new DOMParser().parseFromString(text, 'application/xml');
  } catch (e) {
    throw new DavError(status, e instanceof Error ? e.message : String(e), undefined, 'bad-response');
  }
  // Browsers do not throw: they return a document holding a <parsererror>.
  if (!doc?.documentElement || doc.getElementsByTagName('parsererror').length > 0) {
    throw new DavError(status, 'The server answered with malformed XML.', undefined, 'bad-response');
  }
  return doc;
}

/**
 * Reads an error body: the Sabre-style XML `<d:error><s:exception/><s:message/></d:error>`,
 * or, from other layers of the server, the API's JSON `{error, message}`.
 */
export function parseDavError(body: string): { exception?: string; message?: string } {
  const text = body.trim();
  if (!text) return {};
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as { message?: unknown; error?: unknown };
      return {
        message: typeof json.message === 'string' && json.message ? json.message : undefined,
        exception: typeof json.error === 'string' ? json.error : undefined,
      };
    } catch {
      return {};
    }
  }
  if (!text.startsWith('<')) return {};
  try {
    const doc = parseXml(text, 0);
    const root = doc.documentElement;
    const message = textOf(child(root, SABRE_NS, 'message')) || undefined;
    const exception = textOf(child(root, SABRE_NS, 'exception')) || undefined;
    return { message, exception };
  } catch {
    return {};
  }
}

/** The DavError for an HTTP status and its body; a 401 also ends the session in the UI. */
export function davError(status: number, body: string): DavError {
  const { message, exception } = parseDavError(body);
  if (status === 401) reportUnauthorized();
  return new DavError(status, message, exception);
}

// ---------------------------------------------------------------------------
// Paths and URLs

/** The names of a decoded path: "/a/b c" → ["a", "b c"]. */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export function pathFromSegments(segments: string[]): string {
  return '/' + segments.join('/');
}

export function joinPath(folder: string, name: string): string {
  return pathFromSegments([...pathSegments(folder), name]);
}

export function parentPath(path: string): string {
  return pathFromSegments(pathSegments(path).slice(0, -1));
}

export function baseName(path: string): string {
  const s = pathSegments(path);
  return s.length ? s[s.length - 1] : '';
}

/** Whether `path` is `ancestor` or below it. */
export function isSameOrInside(path: string, ancestor: string): boolean {
  const p = pathSegments(path);
  const a = pathSegments(ancestor);
  return a.length <= p.length && a.every((name, i) => p[i] === name);
}

/**
 * The href of a path: `/remote.php/dav/files/{login}/Docs/a%20b.txt`, each segment
 * through encodeURIComponent; folders (and the root) end with "/".
 */
export function davHref(login: string, path: string, folder = false): string {
  const segments = pathSegments(path);
  const encoded = segments.map((s) => '/' + encodeURIComponent(s)).join('');
  return `${DAV_FILES}/${encodeURIComponent(login)}${encoded}${folder || segments.length === 0 ? '/' : ''}`;
}

/** The URL that downloads a file (GET, with the session cookie). */
export function downloadUrl(login: string, path: string): string {
  return davHref(login, path);
}

/** The URL of a zip of files and folders (paths below the user's root), streamed by the server. */
export function zipUrl(paths: string[]): string {
  const q = new URLSearchParams();
  for (const p of paths) q.append('path', pathFromSegments(pathSegments(p)));
  return `/api/v1/files/zip?${q.toString()}`;
}

/**
 * A thumbnail at Nextcloud's preview URL, `size` pixels at most on each side; the etag
 * (`c=`) names the content, so the browser may keep the picture until the file changes.
 */
export function previewUrl(fileId: string, etag: string | null, size: number): string {
  const q = new URLSearchParams({ fileId, x: String(size), y: String(size), a: '1' });
  if (etag) q.set('c', etag.replace(/"/g, ''));
  return `/index.php/core/preview?${q.toString()}`;
}

export function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The decoded path below the user's root of an href, which may be an absolute
 * path or a full URL. Null when the href is not under `/remote.php/dav/files/{login}`.
 */
export function pathOfHref(href: string, login: string): string | null {
  const withoutOrigin = href.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const pathOnly = withoutOrigin.split(/[?#]/)[0];
  const segments = pathOnly.split('/').filter((s) => s !== '').map(decodeSegment);
  const root = [...pathSegments(DAV_FILES), login];
  // Look for the mount anywhere, so a reverse proxy's prefix does no harm.
  for (let i = 0; i + root.length <= segments.length; i++) {
    if (root.every((name, j) => segments[i + j] === name)) return pathFromSegments(segments.slice(i + root.length));
  }
  return null;
}

// ---------------------------------------------------------------------------
// Multistatus

export function toNumber(s: string | null): number | null {
  if (s === null || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export function isOkStatus(propstat: Element): boolean {
  const status = textOf(child(propstat, DAV_NS, 'status'));
  // "HTTP/1.1 200 OK"; a propstat without a status is taken as found.
  return status === null || /^HTTP\/\d(?:\.\d)?\s+2\d\d\b/.test(status);
}

/** One DAV:response of a 207: its href and its properties with a 2xx status. */
export interface MultistatusResponse {
  href: string;
  get: (ns: string, local: string) => Element | undefined;
}

/** The responses of a 207 with their 2xx properties; anything but a DAV:multistatus is refused. */
export function multistatusResponses(xml: string): MultistatusResponse[] {
  const doc = parseXml(xml, 207);
  const root = doc.documentElement;
  if (root.namespaceURI !== DAV_NS || root.localName !== 'multistatus') {
    throw new DavError(207, `Expected a DAV:multistatus, got ${root.localName}.`, undefined, 'bad-response');
  }
  const out: MultistatusResponse[] = [];
  for (const response of childElements(root)) {
    if (response.namespaceURI !== DAV_NS || response.localName !== 'response') continue;
    const href = textOf(child(response, DAV_NS, 'href')) ?? '';
    const props = new Map<string, Element>();
    for (const propstat of childElements(response)) {
      if (propstat.namespaceURI !== DAV_NS || propstat.localName !== 'propstat' || !isOkStatus(propstat)) continue;
      const prop = child(propstat, DAV_NS, 'prop');
      if (!prop) continue;
      for (const p of childElements(prop)) props.set(`${p.namespaceURI ?? ''} ${p.localName}`, p);
    }
    out.push({ href, get: (ns, local) => props.get(`${ns} ${local}`) });
  }
  return out;
}

/**
 * Parses a 207 Multi-Status body into entries, in document order. Properties
 * are read from the 2xx propstats only (a 404 propstat lists the ones the server
 * does not have). `login` turns hrefs into paths; an href outside the user's
 * files is placed below `fallbackFolder` by its last segment.
 */
export function parseMultistatus(xml: string, login: string, fallbackFolder = '/'): DavEntry[] {
  const entries: DavEntry[] = [];
  for (const { href, get } of multistatusResponses(xml)) {
    const resourcetype = get(DAV_NS, 'resourcetype');
    const isFolder = resourcetype ? child(resourcetype, DAV_NS, 'collection') !== undefined : href.endsWith('/');
    let path = pathOfHref(href, login);
    if (path === null) {
      const last = href.split(/[?#]/)[0].split('/').filter(Boolean).pop();
      path = last ? joinPath(fallbackFolder, decodeSegment(last)) : fallbackFolder;
    }
    const contentLength = toNumber(textOf(get(DAV_NS, 'getcontentlength')));
    const ocSize = toNumber(textOf(get(OC_NS, 'size')));
    const modified = textOf(get(DAV_NS, 'getlastmodified'));
    const parsedDate = modified ? Date.parse(modified) : NaN;
    entries.push({
      href,
      path,
      name: baseName(path),
      isFolder,
      size: (isFolder ? (ocSize ?? contentLength) : (contentLength ?? ocSize)) ?? 0,
      lastModified: Number.isFinite(parsedDate) ? parsedDate : null,
      etag: textOf(get(DAV_NS, 'getetag')) || null,
      contentType: textOf(get(DAV_NS, 'getcontenttype')) || null,
      fileId: textOf(get(OC_NS, 'fileid')) || null,
      permissions: textOf(get(OC_NS, 'permissions')),
      quotaUsed: toNumber(textOf(get(DAV_NS, 'quota-used-bytes'))),
      quotaAvailable: toNumber(textOf(get(DAV_NS, 'quota-available-bytes'))),
      hasPreview: textOf(get(NC_NS, 'has-preview')) === 'true',
      shareTypes: shareTypesOf(get(OC_NS, 'share-types')),
      ownerId: textOf(get(OC_NS, 'owner-id')) || null,
      ownerName: textOf(get(OC_NS, 'owner-display-name')) || null,
    });
  }
  return entries;
}

/** An entry known only by its path (tests, items reached through a share): no properties. */
export function bareEntry(path: string, over: Partial<DavEntry> = {}): DavEntry {
  return {
    href: '',
    path,
    name: baseName(path),
    isFolder: false,
    size: 0,
    lastModified: null,
    etag: null,
    contentType: null,
    fileId: null,
    permissions: null,
    quotaUsed: null,
    quotaAvailable: null,
    hasPreview: false,
    shareTypes: [],
    ownerId: null,
    ownerName: null,
    ...over,
  };
}

/** The numbers in `<oc:share-types><oc:share-type>0</oc:share-type>…`, each once. */
function shareTypesOf(el: Element | undefined): number[] {
  if (!el) return [];
  const out: number[] = [];
  for (const t of childElements(el)) {
    const n = toNumber(textOf(t));
    if (t.localName === 'share-type' && n !== null && !out.includes(n)) out.push(n);
  }
  return out;
}

/** Splits a Depth 1 answer into the folder (its own path, else the first response) and the rest. */
export function toListing(entries: DavEntry[], folderPath: string): DavListing {
  if (entries.length === 0) throw new DavError(207, 'The listing is empty.', undefined, 'bad-response');
  const target = pathSegments(folderPath).join('/');
  let selfIndex = entries.findIndex((e) => pathSegments(e.path).join('/') === target);
  if (selfIndex < 0) selfIndex = 0;
  return { folder: entries[selfIndex], children: entries.filter((_, i) => i !== selfIndex) };
}

/** Quota from the root's properties; a negative or missing available means no limit. */
export function quotaOf(root: DavEntry): Quota {
  const available = root.quotaAvailable;
  return {
    used: root.quotaUsed ?? root.size,
    available: available === null || available < 0 ? null : available,
  };
}

// ---------------------------------------------------------------------------
// Requests

const XML = 'application/xml; charset=utf-8';

/** The query layer's headers (CSRF token, X-Requested-With, Accept-Language), for WebDAV. */
export function davHeaders(method: string, extra: Record<string, string> = {}, contentType?: string): Record<string, string> {
  return { ...requestHeaders(method, contentType), Accept: 'application/xml, text/xml;q=0.9, */*;q=0.1', ...extra };
}

export async function send(method: string, url: string, headers: Record<string, string>, body?: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { method, credentials: 'same-origin', headers, body, signal });
  } catch (e) {
    if (signal?.aborted) throw new DavError(0, undefined, undefined, 'aborted');
    throw new DavError(0, e instanceof Error ? e.message : String(e));
  }
  if (!res.ok && res.status !== 207) throw davError(res.status, await res.text().catch(() => ''));
  return res;
}

const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?>\n' +
  `<d:propfind xmlns:d="DAV:" xmlns:oc="${OC_NS}" xmlns:nc="${NC_NS}"><d:prop>` +
  '<d:resourcetype/><d:getcontentlength/><d:getlastmodified/><d:getetag/><d:getcontenttype/>' +
  '<oc:fileid/><oc:size/><oc:permissions/><d:quota-used-bytes/><d:quota-available-bytes/><nc:has-preview/>' +
  '<oc:share-types/><oc:owner-id/><oc:owner-display-name/>' +
  '</d:prop></d:propfind>';

/** PROPFIND on a path; Depth 0 gives the item, Depth 1 the folder and its children. */
export async function propfind(login: string, path: string, depth: 0 | 1, signal?: AbortSignal): Promise<DavEntry[]> {
  const res = await send('PROPFIND', davHref(login, path, depth === 1), davHeaders('PROPFIND', { Depth: String(depth) }, XML), PROPFIND_BODY, signal);
  return parseMultistatus(await res.text(), login, path);
}

/** The folder and what is in it. */
export async function listFolder(login: string, path: string, signal?: AbortSignal): Promise<DavListing> {
  const listing = toListing(await propfind(login, path, 1, signal), path);
  // The folder is the one asked for, whatever form its href took.
  const asked = pathFromSegments(pathSegments(path));
  return { ...listing, folder: { ...listing.folder, path: asked, name: baseName(asked) } };
}

/** The user's used and available space, from the root (Depth 0). */
export async function getQuota(login: string, signal?: AbortSignal): Promise<Quota> {
  const [root] = await propfind(login, '/', 0, signal);
  if (!root) throw new DavError(207, 'The answer is empty.', undefined, 'bad-response');
  return quotaOf(root);
}

/** Creates a folder. A 405 (something is there already) becomes code `exists`. */
export async function mkcol(login: string, path: string): Promise<void> {
  try {
    await send('MKCOL', davHref(login, path, true), davHeaders('MKCOL'));
  } catch (e) {
    if (e instanceof DavError && e.status === 405) throw new DavError(405, e.serverMessage, e.exception, 'exists');
    throw e;
  }
}

/** Deletes a file, or a folder with everything in it. */
export async function remove(login: string, path: string, folder = false): Promise<void> {
  await send('DELETE', davHref(login, path, folder), davHeaders('DELETE'));
}

async function transfer(method: 'MOVE' | 'COPY', login: string, from: string, to: string, folder: boolean, overwrite: boolean): Promise<void> {
  // The Destination is an absolute path (RFC 4918 allows it; the desktop client sends the same),
  // so the server does not have to recognise its own host name behind a proxy.
  await send(
    method,
    davHref(login, from, folder),
    davHeaders(method, { Destination: davHref(login, to, folder), Overwrite: overwrite ? 'T' : 'F' }),
  );
}

/** Moves or renames. Without `overwrite`, an existing destination gives 412 (`exists`). */
export function move(login: string, from: string, to: string, opts: { folder?: boolean; overwrite?: boolean } = {}): Promise<void> {
  return transfer('MOVE', login, from, to, opts.folder ?? false, opts.overwrite ?? false);
}

/** Copies (folders with everything in them). Without `overwrite`, an existing destination gives 412. */
export function copy(login: string, from: string, to: string, opts: { folder?: boolean; overwrite?: boolean } = {}): Promise<void> {
  return transfer('COPY', login, from, to, opts.folder ?? false, opts.overwrite ?? false);
}

export interface PutResult {
  status: number;
  etag: string | null;
  fileId: string | null;
}

export interface PutHandle {
  promise: Promise<PutResult>;
  /** Stops the upload; the promise then rejects with code `aborted`. */
  abort: () => void;
}

export interface PutOptions {
  /** Replace an existing file; otherwise `If-None-Match: *` makes the server answer 412. */
  overwrite?: boolean;
  onProgress?: (loaded: number, total: number) => void;
}

/**
 * Sends a body through XMLHttpRequest (fetch cannot report upload progress), with the
 * query layer's headers; resolves on 2xx with the file id and etag headers, rejects with a
 * DavError (code `aborted` after `abort()`, `network` when the connection failed).
 */
export function xhrRequest(
  method: string,
  url: string,
  extra: Record<string, string>,
  body: Blob | null,
  onProgress?: (loaded: number, total: number) => void,
): PutHandle {
  const xhr = new XMLHttpRequest();
  let settled = false;
  const promise = new Promise<PutResult>((resolve, reject) => {
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    xhr.open(method, url);
    const headers = davHeaders(method, extra, body ? body.type || 'application/octet-stream' : undefined);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded, e.total);
    };
    xhr.onload = () =>
      done(() => {
        if (xhr.status >= 200 && xhr.status < 300) {
          if (body) onProgress?.(body.size, body.size);
          resolve({ status: xhr.status, etag: xhr.getResponseHeader('ETag') ?? xhr.getResponseHeader('OC-ETag'), fileId: xhr.getResponseHeader('OC-FileId') });
        } else {
          reject(davError(xhr.status, xhr.responseText ?? ''));
        }
      });
    xhr.onerror = () => done(() => reject(new DavError(0)));
    xhr.onabort = () => done(() => reject(new DavError(0, undefined, undefined, 'aborted')));
    xhr.send(body);
  });
  return {
    promise,
    abort: () => {
      if (!settled) xhr.abort();
    },
  };
}

/** X-OC-Mtime (Unix seconds) of a picked file, when the browser knows it. */
export function mtimeHeader(body: Blob): Record<string, string> {
  const mtime = (body as Partial<File>).lastModified;
  return typeof mtime === 'number' && mtime > 0 ? { 'X-OC-Mtime': String(Math.floor(mtime / 1000)) } : {};
}

/**
 * Uploads one file whole with PUT. Sends the file's modification time as X-OC-Mtime and
 * its size as OC-Total-Length, so the server can refuse an upload over quota early (507).
 */
export function put(login: string, path: string, body: Blob, opts: PutOptions = {}): PutHandle {
  const extra: Record<string, string> = { 'OC-Total-Length': String(body.size), ...mtimeHeader(body) };
  if (!opts.overwrite) extra['If-None-Match'] = '*';
  return xhrRequest('PUT', davHref(login, path), extra, body, opts.onProgress);
}

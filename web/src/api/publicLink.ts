// The public page of a link (/s/{token}): what it shows comes from the JSON API of
// docs/api/sharing.md ("Public links"); uploads go through the public WebDAV, small
// files with one PUT and large ones in chunks (api/chunked.ts). No session is involved:
// a password-protected link is opened by an HttpOnly cookie that POST …/auth sets.
import { chunkedUpload, CHUNK_SIZE, davChunkIo, localTransfers, publicHref, publicTarget } from './chunked';
import { ApiError, API_BASE, encode, requestHeaders, withQuery } from './client';
import { mtimeHeader, xhrRequest, type PutHandle } from './dav';

export interface PublicEntry {
  name: string;
  type: 'file' | 'folder';
  size: number;
  mtime: number;
  mimetype: string;
  hasPreview: boolean;
}

export interface PublicLinkInfo {
  token: string;
  instanceName: string;
  /** The firm's logo set by an administrator (`/api/v1/branding/logo?v=…`), or null. */
  logoUrl: string | null;
  name: string;
  type: 'file' | 'folder';
  /** null on file drops, which say nothing about what is there. */
  size: number | null;
  mtime: number | null;
  mimetype: string;
  owner: string;
  /** OCS permission bits: 1 read, 2 update, 4 create, 8 delete. */
  permissions: number;
  fileDrop: boolean;
  hideDownload: boolean;
  expiration: string | null;
  note: string | null;
  label: string | null;
  hasPreview: boolean;
  /** A folder's content (not on file drops). */
  entries?: PublicEntry[];
}

/** What the page can show: the link, or the password form (with the instance name and the server's reason). */
export type PublicLinkState =
  | { kind: 'open'; info: PublicLinkInfo }
  | { kind: 'password'; instanceName: string; logoUrl: string | null; message: string | null };

const PERMISSION_CREATE = 4;

/** Whether the visitor may add files: file drops and folders shared with "create". */
export function canUpload(info: PublicLinkInfo): boolean {
  return info.type === 'folder' && (info.fileDrop || (info.permissions & PERMISSION_CREATE) !== 0);
}

/** The link's token of a page path `/s/{token}`, or null for any other path. */
export function publicLinkToken(path: string): string | null {
  return /^\/s\/([A-Za-z0-9_-]+)\/?$/.exec(path)?.[1] ?? null;
}

/** "sub/dir" from "/sub/dir/", "" for the link's own folder. */
export function normalizeSubPath(path: string | null | undefined): string {
  return (path ?? '').split('/').filter((s) => s !== '' && s !== '.' && s !== '..').join('/');
}

export function subPathOf(search: string): string {
  return normalizeSubPath(new URLSearchParams(search).get('path'));
}

/** The page's own address for a subfolder. */
export function pageUrl(token: string, sub: string): string {
  return sub ? `/s/${encode(token)}?${new URLSearchParams({ path: sub }).toString()}` : `/s/${encode(token)}`;
}

export function childPath(sub: string, name: string): string {
  return sub ? `${sub}/${name}` : name;
}

/** The download of the link's file, or of a file or folder (zip) below it. */
export function downloadUrl(token: string, sub: string): string {
  return withQuery(`/s/${encode(token)}/download`, { path: sub || undefined });
}

export function thumbnailUrl(token: string, sub: string, size: number): string {
  return withQuery(`/s/${encode(token)}/preview`, { path: sub || undefined, x: size, y: size });
}

async function call(method: 'GET' | 'POST', path: string, json?: unknown): Promise<{ status: number; data: unknown; retryAfter: string | null }> {
  let res: Response;
  try {
    res = await fetch(API_BASE + path, {
      method,
      credentials: 'same-origin',
      headers: requestHeaders(method, json === undefined ? undefined : 'application/json'),
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  } catch (e) {
    throw new ApiError(0, { error: 'network', message: e instanceof Error ? e.message : String(e) });
  }
  const text = res.status === 204 ? '' : await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  return { status: res.status, data, retryAfter: res.headers.get('Retry-After') };
}

type Body = { error?: string; code?: string; message?: string; passwordRequired?: boolean; instanceName?: string; logoUrl?: string | null; retryAfterSeconds?: number };

function errorOf(status: number, data: unknown, retryAfter: string | null): ApiError {
  const b = (data && typeof data === 'object' ? data : {}) as Body;
  return new ApiError(status, { error: b.error ?? b.code, message: b.message, retryAfterSeconds: b.retryAfterSeconds }, retryAfter);
}

/** The link (or its subfolder `sub`), or the password form; 404/410/429 reject with an ApiError. */
export async function loadLink(token: string, sub: string): Promise<PublicLinkState> {
  const { status, data, retryAfter } = await call('GET', withQuery(`/public/${encode(token)}`, { path: sub || undefined }));
  if (status === 200) return { kind: 'open', info: data as PublicLinkInfo };
  const b = (data ?? {}) as Body;
  if (status === 401 && b.passwordRequired) {
    return { kind: 'password', instanceName: b.instanceName ?? '', logoUrl: b.logoUrl ?? null, message: null };
  }
  throw errorOf(status, data, retryAfter);
}

/** Sends the link's password; the server answers with the unlock cookie, or rejects (401 wrong, 429 slowed down). */
export async function unlockLink(token: string, password: string): Promise<void> {
  const { status, data, retryAfter } = await call('POST', `/public/${encode(token)}/auth`, { password });
  if (status !== 204 && status !== 200) throw errorOf(status, data, retryAfter);
}

/**
 * Uploads one file through the link to `path` (below the link's folder): whole with PUT up
 * to CHUNK_SIZE, in resumable chunks above. A file drop never replaces anything (the server
 * renames a taken name); elsewhere `If-None-Match: *` keeps an existing file.
 */
export function publicUpload(
  token: string,
  path: string,
  file: Blob,
  nickname: string,
  opts: { onProgress: (loaded: number) => void; onResume?: (alreadyThere: number) => void },
): PutHandle {
  const target = publicTarget(token, path, nickname);
  if (file.size > CHUNK_SIZE) return chunkedUpload(davChunkIo, localTransfers, target, file, { overwrite: false, ...opts });
  const headers = { ...target.headers, 'OC-Total-Length': String(file.size), 'If-None-Match': '*', ...mtimeHeader(file) };
  return xhrRequest('PUT', publicHref(token, path), headers, file, (loaded) => opts.onProgress(loaded));
}

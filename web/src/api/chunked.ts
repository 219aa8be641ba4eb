// Chunked, resumable uploads of large files through the Nextcloud chunking v2
// protocol (docs/api/webdav.md, "Chunked upload"), as the Nextcloud web and
// mobile apps send it, for a user (/remote.php/dav/uploads/{login}) or through a
// public link (/public.php/dav/uploads/{token}, docs/api/sharing.md); the
// `ChunkTarget` says which:
//   MKCOL  {uploads}/{transferId}                         Destination, OC-Total-Length
//   PUT    …/{transferId}/1 … /N                          CHUNK_SIZE bytes each but the last
//   MOVE   …/{transferId}/.file                           Destination, OC-Total-Length, X-OC-Mtime, Overwrite
// The transfer id of a file is remembered (localStorage) under its destination,
// size and modification time, so that after a network failure or a page reload
// the same file picked again asks the server which chunks it already has
// (PROPFIND Depth 1 of the upload folder) and sends only the others. Cancelling
// deletes the upload folder.
import {
  davHeaders,
  davHref,
  DavError,
  mtimeHeader,
  parseMultistatus,
  pathSegments,
  send,
  xhrRequest,
  type PutHandle,
  type PutResult,
} from './dav';

/** 10 MiB: what the Nextcloud clients use on slow links; files larger than one chunk go chunked. */
export const CHUNK_SIZE = 10 * 1024 * 1024;
/** How many times one chunk is tried before the upload fails (it can then be resumed). */
export const CHUNK_ATTEMPTS = 4;

export const DAV_UPLOADS = '/remote.php/dav/uploads';
export const PUBLIC_DAV_FILES = '/public.php/dav/files';
export const PUBLIC_DAV_UPLOADS = '/public.php/dav/uploads';

/** Where one file's chunks go and where the file ends up. */
export interface ChunkTarget {
  /** Whose uploads these are (a login, or `link:{token}`), for the transfer key. */
  owner: string;
  /** The decoded destination path, for the transfer key. */
  path: string;
  /** The folder holding the upload folders, e.g. `/remote.php/dav/uploads/anne`. */
  uploads: string;
  /** The href of the destination (the `Destination` header). */
  destination: string;
  /** Headers sent with every request of the upload (e.g. X-NC-Nickname on a link). */
  headers?: Record<string, string>;
}

/** A user's upload into their own files. */
export function userTarget(login: string, path: string): ChunkTarget {
  return { owner: login, path, uploads: `${DAV_UPLOADS}/${encodeURIComponent(login)}`, destination: davHref(login, path) };
}

/** The href of a path below a public link's file or folder: `/public.php/dav/files/{token}/a%20b.txt`. */
export function publicHref(token: string, path: string): string {
  const encoded = pathSegments(path).map((s) => '/' + encodeURIComponent(s)).join('');
  return `${PUBLIC_DAV_FILES}/${encodeURIComponent(token)}${encoded}`;
}

/**
 * An upload through a public link; `nickname` (who is uploading) goes to the owner's activity
 * list, percent-encoded as UTF-8 since a browser sends only Latin-1 in headers (the server decodes it).
 */
export function publicTarget(token: string, path: string, nickname: string): ChunkTarget {
  const name = encodeURIComponent(nickname.trim());
  return {
    owner: `link:${token}`,
    path,
    uploads: `${PUBLIC_DAV_UPLOADS}/${encodeURIComponent(token)}`,
    destination: publicHref(token, path),
    headers: name ? { 'X-NC-Nickname': name } : {},
  };
}

/** The requests of one chunked upload; the real one speaks WebDAV, tests give a fake. */
export interface ChunkIo {
  /** The chunks on the server (name → size), or null when there is no such upload. */
  list(uploadUrl: string): Promise<Map<string, number> | null>;
  mkcol(uploadUrl: string, headers: Record<string, string>): Promise<void>;
  put(chunkUrl: string, chunk: Blob, headers: Record<string, string>, onProgress: (loaded: number) => void): PutHandle;
  remove(url: string): Promise<void>;
  move(fileUrl: string, headers: Record<string, string>): Promise<PutResult>;
  /** Waits before another attempt (ms). */
  sleep(ms: number): Promise<void>;
}

/** Where transfer ids are remembered between page loads. */
export interface TransferStore {
  get(key: string): string | null;
  set(key: string, transferId: string): void;
  delete(key: string): void;
}

export interface ChunkedOptions {
  overwrite: boolean;
  onProgress: (loaded: number) => void;
  /** Called once it is known how much the server already had (for "resumed" in the UI). */
  onResume?: (alreadyThere: number) => void;
}

export function transferKey(owner: string, path: string, file: Blob): string {
  const mtime = (file as Partial<File>).lastModified ?? 0;
  return `atrium.upload:${owner}:${path}:${file.size}:${mtime}`;
}

export function newTransferId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The chunk names and byte ranges of a file: "1" … "N" (at least one, for an empty file). */
export function chunksOf(size: number, chunkSize = CHUNK_SIZE): { name: string; start: number; end: number }[] {
  const n = Math.max(1, Math.ceil(size / chunkSize));
  return Array.from({ length: n }, (_, i) => ({ name: String(i + 1), start: i * chunkSize, end: Math.min(size, (i + 1) * chunkSize) }));
}

/** Whether a failure is worth another attempt: the network, or the server being briefly unwell. */
function transient(e: unknown): boolean {
  return e instanceof DavError && (e.status === 0 ? e.code !== 'aborted' : e.status >= 500 && e.status !== 507);
}

/** Uploads a file in chunks, resuming a previous attempt at the same file; `abort()` cancels and cleans up. */
export function chunkedUpload(
  io: ChunkIo,
  store: TransferStore,
  target: ChunkTarget,
  file: Blob,
  opts: ChunkedOptions,
  chunkSize = CHUNK_SIZE,
): PutHandle {
  const key = transferKey(target.owner, target.path, file);
  const transferId = store.get(key) ?? newTransferId();
  store.set(key, transferId);
  const uploadUrl = `${target.uploads}/${encodeURIComponent(transferId)}`;
  const common = { ...target.headers, Destination: target.destination, 'OC-Total-Length': String(file.size) };
  let aborted = false;
  let current: PutHandle | null = null;

  const check = () => {
    if (aborted) throw new DavError(0, undefined, undefined, 'aborted');
  };

  const run = async (): Promise<PutResult> => {
    let there = await io.list(uploadUrl);
    check();
    if (there === null) {
      await io.mkcol(uploadUrl, common);
      there = new Map();
    }
    const chunks = chunksOf(file.size, chunkSize);
    const wanted = new Set(chunks.map((c) => c.name));
    // Chunks this file does not have (another chunk size, say) would end up in it: drop them.
    for (const name of there.keys()) {
      if (!wanted.has(name)) await io.remove(`${uploadUrl}/${encodeURIComponent(name)}`);
    }
    let done = 0;
    const todo = chunks.filter((c) => {
      const ok = there!.get(c.name) === c.end - c.start;
      if (ok) done += c.end - c.start;
      return !ok;
    });
    opts.onResume?.(done);
    opts.onProgress(done);
    for (const c of todo) {
      for (let attempt = 1; ; attempt++) {
        check();
        current = io.put(`${uploadUrl}/${c.name}`, file.slice(c.start, c.end), common, (loaded) => opts.onProgress(done + loaded));
        try {
          await current.promise;
          break;
        } catch (e) {
          if (aborted || !transient(e) || attempt >= CHUNK_ATTEMPTS) throw e;
          await io.sleep(1000 * 2 ** (attempt - 1));
        }
      }
      done += c.end - c.start;
      opts.onProgress(done);
    }
    check();
    const result = await io.move(`${uploadUrl}/.file`, { ...common, ...mtimeHeader(file), Overwrite: opts.overwrite ? 'T' : 'F' });
    store.delete(key);
    return result;
  };

  const promise = run().catch(async (e: unknown) => {
    if (aborted) {
      throw new DavError(0, undefined, undefined, 'aborted');
    }
    // The server forgot the upload (expired, or finished elsewhere): next time starts afresh.
    if (e instanceof DavError && e.status === 404) store.delete(key);
    throw e;
  });
  return {
    promise,
    abort: () => {
      if (aborted) return;
      aborted = true;
      current?.abort();
      store.delete(key);
      void io.remove(uploadUrl).catch(() => {});
    },
  };
}

const UPLOAD_LISTING =
  '<?xml version="1.0" encoding="utf-8"?>\n<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/></d:prop></d:propfind>';

/** The real requests, with the session cookie and the query layer's headers. */
export const davChunkIo: ChunkIo = {
  async list(uploadUrl) {
    try {
      const res = await send('PROPFIND', uploadUrl + '/', davHeaders('PROPFIND', { Depth: '1' }, 'application/xml; charset=utf-8'), UPLOAD_LISTING);
      const entries = parseMultistatus(await res.text(), '', '/');
      return new Map(entries.filter((e) => !e.isFolder).map((e) => [e.name, e.size]));
    } catch (e) {
      if (e instanceof DavError && e.status === 404) return null;
      throw e;
    }
  },
  async mkcol(uploadUrl, headers) {
    await send('MKCOL', uploadUrl, davHeaders('MKCOL', headers));
  },
  put: (chunkUrl, chunk, headers, onProgress) => xhrRequest('PUT', chunkUrl, headers, chunk, (loaded) => onProgress(loaded)),
  async remove(url) {
    await send('DELETE', url, davHeaders('DELETE'));
  },
  move: (fileUrl, headers) => xhrRequest('MOVE', fileUrl, headers, null).promise,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Transfer ids in localStorage; nothing is remembered where it is unavailable. */
export const localTransfers: TransferStore = {
  get: (key) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set: (key, id) => {
    try {
      localStorage.setItem(key, id);
    } catch {
      // private mode or full: the upload still works, it just cannot resume after a reload
    }
  },
  delete: (key) => {
    try {
      localStorage.removeItem(key);
    } catch {
      // as above
    }
  },
};

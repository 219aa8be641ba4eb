// The upload queue: all the console's uploads go through here. Folders of a
// batch are created first (MKCOL, parents first), then files are sent,
// UPLOAD_CONCURRENCY at a time, each with its progress, cancellable.
// The queue lives at module level so that uploads go on while the person
// browses other folders or apps.
//
// The transfer of one file is the `Transport` below: files up to CHUNK_SIZE go
// whole with PUT; larger ones in chunks (api/chunked.ts), which resume where
// they stopped after a failure, a retry, or a page reload and the same file
// picked again.
import { chunkedUpload, CHUNK_SIZE, davChunkIo, localTransfers, userTarget } from '../../api/chunked';
import { DavError, joinPath, mkcol, pathSegments, put, type PutHandle } from '../../api/dav';
import type { Picked } from './picked';
import { refreshFiles } from './queries';

export const UPLOAD_CONCURRENCY = 3;

export type UploadStatus = 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled';

export interface UploadItem {
  id: number;
  login: string;
  /** Relative to the folder the upload went to: "a.txt", "Photos/2024/a.jpg". */
  relPath: string;
  /** The folder the upload went to. */
  target: string;
  /** Full destination path. */
  dest: string;
  size: number;
  loaded: number;
  status: UploadStatus;
  error: DavError | null;
  /** Whether the next attempt replaces an existing file. */
  overwrite: boolean;
  /** Bytes the server already had when a chunked upload resumed (0 for a fresh start). */
  resumed: number;
}

export interface Transport {
  put: (
    login: string,
    path: string,
    file: Blob,
    opts: { overwrite: boolean; onProgress: (loaded: number) => void; onResume?: (alreadyThere: number) => void },
  ) => PutHandle;
  mkcol: (login: string, path: string) => Promise<void>;
}

interface Internal {
  item: UploadItem;
  file: Blob;
  batch: { ready: boolean };
  handle?: PutHandle;
}

export interface UploadSummary {
  count: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Queued or uploading. */
  active: number;
  /** Bytes sent, over the files that are done, queued or uploading. */
  loaded: number;
  total: number;
}

export function summarize(items: readonly UploadItem[]): UploadSummary {
  const s: UploadSummary = { count: items.length, done: 0, failed: 0, cancelled: 0, active: 0, loaded: 0, total: 0 };
  for (const i of items) {
    if (i.status === 'done') s.done++;
    else if (i.status === 'failed') s.failed++;
    else if (i.status === 'cancelled') s.cancelled++;
    else s.active++;
    if (i.status === 'done' || i.status === 'queued' || i.status === 'uploading') {
      s.total += i.size;
      s.loaded += i.status === 'done' ? i.size : Math.min(i.loaded, i.size);
    }
  }
  return s;
}

export class UploadQueue {
  private entries: Internal[] = [];
  private snapshot: readonly UploadItem[] = [];
  private listeners = new Set<() => void>();
  private running = 0;
  private nextId = 1;

  constructor(
    private readonly transport: Transport,
    private readonly onUploaded: () => void = () => {},
    private readonly concurrency = UPLOAD_CONCURRENCY,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly UploadItem[] => this.snapshot;

  private emit() {
    this.snapshot = this.entries.map((e) => e.item);
    this.listeners.forEach((l) => l());
  }

  private update(entry: Internal, patch: Partial<UploadItem>) {
    entry.item = { ...entry.item, ...patch };
    this.emit();
  }

  /**
   * Queues what was picked for upload into `target`. A top-level file whose name
   * is in `existing` (the names in that folder now) fails at once as `exists`,
   * with the option to replace it; the server checks again (If-None-Match: *).
   */
  add(login: string, target: string, picked: Picked, existing: ReadonlySet<string> = new Set()): void {
    const batch = { ready: picked.folders.length === 0 };
    const added: Internal[] = picked.files.map(({ relPath, file }) => {
      const exists = !relPath.includes('/') && existing.has(relPath);
      return {
        file,
        batch,
        item: {
          id: this.nextId++,
          login,
          relPath,
          target,
          dest: pathSegments(relPath).reduce(joinPath, target),
          size: file.size,
          loaded: 0,
          status: exists ? 'failed' : 'queued',
          error: exists ? new DavError(412, undefined, undefined, 'exists') : null,
          overwrite: false,
          resumed: 0,
        },
      };
    });
    this.entries = [...this.entries, ...added];
    this.emit();
    if (batch.ready) {
      this.pump();
      return;
    }
    void this.makeFolders(login, target, picked.folders, added).then(() => {
      batch.ready = true;
      this.pump();
    });
  }

  private async makeFolders(login: string, target: string, folders: string[], entries: Internal[]) {
    const failed: string[] = [];
    for (const folder of folders) {
      if (failed.some((f) => folder.startsWith(f + '/'))) continue;
      try {
        await this.transport.mkcol(login, pathSegments(folder).reduce(joinPath, target));
      } catch (e) {
        // Already there: the files go into it (each one still refuses to replace a file).
        if (e instanceof DavError && e.code === 'exists') continue;
        failed.push(folder);
        const error = e instanceof DavError ? e : new DavError(0, String(e));
        for (const entry of entries) {
          if (entry.item.status === 'queued' && entry.item.relPath.startsWith(folder + '/')) this.update(entry, { status: 'failed', error });
        }
      }
    }
    if (failed.length > 0) this.onUploaded();
  }

  private pump() {
    while (this.running < this.concurrency) {
      const next = this.entries.find((e) => e.item.status === 'queued' && e.batch.ready);
      if (!next) return;
      this.start(next);
    }
  }

  private start(entry: Internal) {
    this.running++;
    const { login, dest, overwrite } = entry.item;
    this.update(entry, { status: 'uploading', loaded: 0, error: null, resumed: 0 });
    let handle: PutHandle;
    try {
      handle = this.transport.put(login, dest, entry.file, {
        overwrite,
        onProgress: (loaded) => {
          if (entry.item.status === 'uploading') this.update(entry, { loaded });
        },
        onResume: (resumed) => {
          if (entry.item.status === 'uploading') this.update(entry, { resumed });
        },
      });
    } catch (e) {
      handle = { promise: Promise.reject(e), abort: () => {} };
    }
    entry.handle = handle;
    handle.promise.then(
      () => this.update(entry, { status: 'done', loaded: entry.item.size, error: null }),
      (e: unknown) => {
        const error = e instanceof DavError ? e : new DavError(0, String(e));
        if (error.code === 'aborted') this.update(entry, { status: 'cancelled' });
        else this.update(entry, { status: 'failed', error });
      },
    ).finally(() => {
      entry.handle = undefined;
      this.running--;
      this.onUploaded();
      this.pump();
    });
  }

  cancel(id: number): void {
    const entry = this.entries.find((e) => e.item.id === id);
    if (!entry) return;
    if (entry.item.status === 'uploading') entry.handle?.abort();
    else if (entry.item.status === 'queued') this.update(entry, { status: 'cancelled' });
  }

  cancelAll(): void {
    // Queued ones first, so that aborting a running one does not start the next.
    for (const e of this.entries) if (e.item.status === 'queued') e.item = { ...e.item, status: 'cancelled' };
    this.emit();
    for (const e of this.entries) if (e.item.status === 'uploading') e.handle?.abort();
  }

  /** Tries a failed or cancelled file again (a failed chunked one resumes); `overwrite` replaces what is there. */
  retry(id: number, overwrite = false): void {
    const entry = this.entries.find((e) => e.item.id === id);
    if (!entry || (entry.item.status !== 'failed' && entry.item.status !== 'cancelled')) return;
    entry.batch = { ready: true };
    this.update(entry, { status: 'queued', loaded: 0, error: null, overwrite: overwrite || entry.item.overwrite });
    this.pump();
  }

  /** Forgets the files that are no longer queued or uploading. */
  clearFinished(): void {
    this.entries = this.entries.filter((e) => e.item.status === 'queued' || e.item.status === 'uploading');
    this.emit();
  }

  /** Cancels and forgets everything (on sign-out). */
  reset(): void {
    this.cancelAll();
    this.entries = [];
    this.emit();
  }
}

// Listings and the quota are read again after uploads, at most every 700 ms.
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function refreshSoon() {
  if (refreshTimer !== undefined) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    refreshFiles();
  }, 700);
}

export const uploads = new UploadQueue(
  {
    put: (login, path, file, { overwrite, onProgress, onResume }) =>
      file.size > CHUNK_SIZE
        ? chunkedUpload(davChunkIo, localTransfers, userTarget(login, path), file, { overwrite, onProgress, onResume })
        : put(login, path, file, { overwrite, onProgress: (loaded) => onProgress(loaded) }),
    mkcol,
  },
  refreshSoon,
);
